"""Alert e-mails: subject, plain text and HTML from Jinja2 templates (autoescaped: text is untrusted)."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from detection.conflicts import MEANINGS

TEMPLATES = Path(__file__).parent / "templates"
# Characters that end a line somewhere (str.splitlines, mail readers, terminals) or can
# reorder what is displayed: C0 and C1 controls, DEL, U+2028/U+2029, and the bidirectional
# embeddings, overrides and isolates that can make a subject read other than it is.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")
# The opening of an RFC 2047 encoded word. Python's header folding before 3.11.10/3.12.5
# decodes "=?UTF-8?Q?=0A?=" into a raw line break on output (cpython#121650), so untrusted
# text must never carry one into a header.
_ENCODED_WORD = re.compile(r"=\s*\?")
MAX_SUBJECT = 200


def clean_text(value: str) -> str:
    """Text with every run of control or line-breaking characters replaced by one space."""
    return _CONTROL.sub(" ", value)


def clean_header(value: str, limit: int = MAX_SUBJECT) -> str:
    """A header value without control characters, line breaks or encoded words, at most `limit` long."""
    value = _ENCODED_WORD.sub("= ?", clean_text(value)).strip()
    return value if len(value) <= limit else value[:limit - 1].rstrip() + "…"


def _printable(value: object) -> object:
    # Every value written into an e-mail part: untrusted text may not break its layout.
    return clean_text(value) if isinstance(value, str) else value


def _web_url(value: object) -> bool:
    """Whether a URL may become a link: http(s) only, so no javascript: or data: link is made."""
    return isinstance(value, str) and re.match(r"https?://[^\s\"'<>]+$", value, re.I) is not None


def _environment(autoescape: bool) -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined,
                      autoescape=autoescape, trim_blocks=True, lstrip_blocks=True,
                      finalize=_printable)
    env.tests["web_url"] = _web_url
    # What a kind of conflict means, beside each conflict's own explanation.
    env.globals["meaning"] = lambda kind: MEANINGS.get(kind, "")
    return env


_TEXT_ENV = _environment(autoescape=False)
_HTML_ENV = _environment(autoescape=True)


def subject_for(groups: list[dict], digest: bool, historical: bool) -> str:
    count = sum(len(g["conflicts"]) for g in groups)
    first = clean_header(groups[0]["proposition"]) if groups else ""
    more = f" and {len(groups) - 1} more" if len(groups) > 1 else ""
    kind = "digest: " if digest else ""
    label = " (historical)" if historical else ""
    noun = "conflict" if count == 1 else "conflicts"
    head = f"[claimwatch] {kind}{count} new {noun}{label}: "
    # Shorten the proposition, not the count or "and N more", when the subject is too long.
    room = MAX_SUBJECT - len(head) - len(more)
    if len(first) > room:
        first = first[:room - 1].rstrip() + "…"
    return clean_header(f"{head}{first}{more}")


def render(groups: list[dict], *, digest: bool, historical: bool) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one e-mail over conflicts grouped by proposition."""
    context = {"groups": groups, "digest": digest, "historical": historical}
    text = _TEXT_ENV.get_template("alert.txt").render(**context)
    html = _HTML_ENV.get_template("alert.html").render(**context)
    return subject_for(groups, digest, historical), text, html
