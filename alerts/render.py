"""Alert e-mails: subject, plain text and HTML from Jinja2 templates (autoescaped: text is untrusted)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from detection.conflicts import MEANINGS

TEMPLATES = Path(__file__).parent / "templates"
_ENV = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                   autoescape=select_autoescape(enabled_extensions=("html", "j2.html"),
                                                default_for_string=False),
                   trim_blocks=True, lstrip_blocks=True)
_HTML_ENV = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                        autoescape=True, trim_blocks=True, lstrip_blocks=True)
for _env in (_ENV, _HTML_ENV):
    # What a kind of conflict means, beside each conflict's own explanation.
    _env.globals["meaning"] = lambda kind: MEANINGS.get(kind, "")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
MAX_SUBJECT = 180


def clean_header(value: str) -> str:
    """A header value with CR, LF and other control characters removed, length bounded."""
    return _CONTROL.sub(" ", value).strip()[:MAX_SUBJECT]


def subject_for(groups: list[dict], digest: bool, historical: bool) -> str:
    count = sum(len(g["conflicts"]) for g in groups)
    first = groups[0]["proposition"] if groups else ""
    more = f" and {len(groups) - 1} more" if len(groups) > 1 else ""
    kind = "digest: " if digest else ""
    label = " (historical)" if historical else ""
    noun = "conflict" if count == 1 else "conflicts"
    return clean_header(f"[claimwatch] {kind}{count} new {noun}{label}: {first}{more}")


def render(groups: list[dict], *, digest: bool, historical: bool) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one e-mail over conflicts grouped by proposition."""
    context = {"groups": groups, "digest": digest, "historical": historical}
    text = _ENV.get_template("alert.txt").render(**context)
    html = _HTML_ENV.get_template("alert.html").render(**context)
    return subject_for(groups, digest, historical), text, html
