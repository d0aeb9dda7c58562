"""The configuration file (CONTRACT §1): its schema, loading, validation and env overrides."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# A claim that names no agent has this subject (detection.claims): no watchlist id may take it.
from detection.claims import ANYONE as RESERVED_SUBJECT

ID_PATTERN = r"^[a-z0-9-]+$"
DEFAULT_CONFIG_NAME = "claimwatch.yaml"
# Where the bundled demo configuration keeps its database when no other config is found.
DEMO_WORKDIR = ".claimwatch-demo"
# An article whose main text is shorter is an extraction failure, not an article: a changed
# layout or a wrong body_selector yields a caption or a cookie notice (trafilatura's
# MIN_EXTRACTED_SIZE). Per source: `min_text_chars`.
MIN_TEXT_CHARS = 250


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid; `problems` has one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _check_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a URL")
    return value


class Source(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str | None = None
    kind: Literal["rss", "sitemap", "listing"]
    url: str
    language: str | None = Field(default=None, pattern=r"^[a-z]{2}$")
    link_selector: str | None = None
    next_selector: str | None = None
    archive_url: str | None = None
    body_selector: str | None = None
    date_selector: str | None = None
    max_pages: int = Field(default=5, ge=1, le=1000)
    enabled: bool = True
    allowed_domains: list[str] = Field(default_factory=list)
    # Seconds between two requests to one host (robots.txt Crawl-delay may raise it, up to 300).
    crawl_delay: float = Field(default=1.0, ge=0, le=300)
    # Requests in flight at once to one host.
    concurrency: int = Field(default=1, ge=1, le=16)
    # IANA zone of dates the outlet prints without one ("Asia/Baku"); UTC when absent.
    timezone: str | None = None
    # Main text shorter than this is an extraction failure (lower it for an outlet of briefs).
    min_text_chars: int = Field(default=MIN_TEXT_CHARS, ge=1, le=100_000)

    _url = field_validator("url")(_check_url)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError("not a known IANA time zone (e.g. Asia/Yerevan)") from None
        return value

    @field_validator("archive_url")
    @classmethod
    def _archive_has_date(cls, value: str | None) -> str | None:
        if value is not None:
            if "{date" not in value:
                raise ValueError("must contain a {date:...} placeholder")
            _check_url(value.replace("{", "").replace("}", ""))
        return value

    @model_validator(mode="after")
    def _listing_needs_selector(self) -> Source:
        if self.kind == "listing" and not self.link_selector:
            raise ValueError("link_selector: required for kind 'listing'")
        return self

    @property
    def display_name(self) -> str:
        return self.name or self.id


class WatchItem(_Strict):
    # `class` is a Python keyword: the field is weapon_class, and a dumped config (which
    # writes that name) must validate again.
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["weapon", "actor"]
    name: str
    aliases: list[str] = Field(default_factory=list)
    member_of: str | None = Field(default=None, pattern=ID_PATTERN)
    # Extra words that must appear nearby for an alias that is also an ordinary name or word.
    context: list[str] = Field(default_factory=list)
    # Roles by which the text may name an actor instead of by name ("the prime minister of
    # Armenia", "the ministry's spokesman"): a speaker so described is this actor.
    roles: list[str] = Field(default_factory=list)
    # What kind of thing a weapon is (aircraft, drone, missile, air-defence ...): one of the
    # lexicons' classes, so that a loss of this weapon counts toward its class.
    weapon_class: str | None = Field(default=None, alias="class")


class Smtp(_Strict):
    host: str = "localhost"
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False
    username: str | None = None
    password_env: str = "CLAIMWATCH_SMTP_PASSWORD"
    sender: str = "claimwatch@localhost"
    timeout: float = Field(default=30, gt=0)

    def password(self) -> str | None:
        """The SMTP password, read from the environment only."""
        return os.environ.get(self.password_env) or None


class Recipient(_Strict):
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    watch: list[str] = Field(default_factory=list)
    mode: Literal["immediate", "digest"] = "immediate"


class Alerts(_Strict):
    smtp: Smtp = Field(default_factory=Smtp)
    recipients: list[Recipient] = Field(default_factory=list)
    # Conflicts found in backfilled (historical) articles: "digest" e-mails them in a daily
    # digest marked historical; "record" stores and exports them but never e-mails them.
    historical: Literal["digest", "record"] = "digest"
    # A message that still cannot be sent this long after its first failure (and after at
    # least 5 attempts) is given up on: reported as failed, kept, and re-queued by hand.
    give_up_after_hours: float = Field(default=24, gt=0, le=24 * 30)


class Config(_Strict):
    database_url: str = "sqlite:///claimwatch.db"
    sources: list[Source] = Field(default_factory=list)
    watchlist: list[WatchItem] = Field(default_factory=list)
    alerts: Alerts = Field(default_factory=Alerts)
    # Processes for the CPU-bound stages (main-text extraction, detection); unset: one per
    # core, 1: everything in the run's own process.
    processes: int | None = Field(default=None, ge=1, le=64)

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        # Messages never repeat the URL: it may hold a password.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        try:
            url = make_url(value)
        except (ArgumentError, ValueError):
            raise ValueError("not a database URL (e.g. sqlite:///claimwatch.db or "
                             "postgresql+psycopg://user@host/claimwatch)") from None
        if "@" in (url.host or ""):
            raise ValueError("an '@' in the password must be written %40")
        try:
            url.get_dialect()
        except NoSuchModuleError:
            raise ValueError(f"unknown database driver '{url.drivername}'") from None
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> Config:
        problems: list[str] = []
        _find_duplicates("sources", [s.id for s in self.sources], problems)
        _find_duplicates("watchlist", [w.id for w in self.watchlist], problems)
        ids = {w.id for w in self.watchlist}
        for i, item in enumerate(self.watchlist):
            if item.id == RESERVED_SUBJECT:
                problems.append(f"watchlist[{i}].id: '{item.id}' is reserved for claims that "
                                "name no agent")
            if item.member_of and item.member_of not in ids:
                problems.append(f"watchlist[{i}].member_of: unknown id '{item.member_of}'")
        for i, recipient in enumerate(self.alerts.recipients):
            for j, watched in enumerate(recipient.watch):
                if watched not in ids:
                    problems.append(f"alerts.recipients[{i}].watch[{j}]: unknown id '{watched}'")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


def _find_duplicates(path: str, ids: list[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            problems.append(f"{path}[{i}].id: duplicate id '{ident}'")
        seen.add(ident)


def bundled_demo_config() -> Path:
    """Path of the demo configuration shipped inside the package."""
    return Path(__file__).parent / "demo" / "claimwatch.yaml"


def find_config_path(explicit: str | None = None) -> Path:
    """The config file to use: flag, then CLAIMWATCH_CONFIG, then ./claimwatch.yaml, then the demo."""
    chosen = explicit or os.environ.get("CLAIMWATCH_CONFIG")
    if chosen:
        return Path(chosen)
    local = Path.cwd() / DEFAULT_CONFIG_NAME
    if local.exists():
        return local
    return bundled_demo_config()


def load_config(path: Path) -> Config:
    """Read, override from the environment, resolve relative paths and validate a config file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: no such configuration file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot be read ({exc})"]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path}: not valid YAML ({exc})"]) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError([f"{path}: the top level must be a mapping"])
    base = base_folder(path)
    raw = _apply_environment(raw)
    if isinstance(raw.get("watchlist"), str):
        raw["watchlist"] = _load_watchlist_file(base / raw["watchlist"])
    if isinstance(raw.get("database_url"), str):
        raw["database_url"] = resolve_sqlite_path(raw["database_url"], base)
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None


def base_folder(path: Path) -> Path:
    """The folder that relative paths in this config resolve against."""
    if path.resolve() == bundled_demo_config().resolve():
        folder = Path.cwd() / DEMO_WORKDIR
        folder.mkdir(exist_ok=True)
        return folder
    return path.resolve().parent


def _apply_environment(raw: dict) -> dict:
    raw = dict(raw)
    if url := os.environ.get("CLAIMWATCH_DATABASE_URL"):
        raw["database_url"] = url
    alerts = dict(raw.get("alerts") or {})
    smtp = dict(alerts.get("smtp") or {})
    if host := os.environ.get("CLAIMWATCH_SMTP_HOST"):
        smtp["host"] = host
    if port := os.environ.get("CLAIMWATCH_SMTP_PORT"):
        smtp["port"] = port
    if smtp:
        alerts["smtp"] = smtp
    if alerts:
        raw["alerts"] = alerts
    return raw


def _load_watchlist_file(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"watchlist: cannot read {path} ({exc})"]) from None


def resolve_sqlite_path(url: str, base: Path) -> str:
    """Make a relative SQLite file path absolute against the config's folder."""
    match = re.match(r"^(sqlite(?:\+\w+)?:///)(.+)$", url)
    if not match or match.group(2).startswith("/") or match.group(2).startswith(":memory:"):
        return url
    return f"{match.group(1)}{(base / match.group(2)).resolve()}"


def format_validation_error(exc: ValidationError) -> list[str]:
    """One 'key.path: problem' line per pydantic error."""
    lines = []
    for error in exc.errors():
        path = ""
        for part in error["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            elif part in ("function-after[_listing_needs_selector(), Source]",):
                continue
            else:
                path += f".{part}" if path else str(part)
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        elif error["type"] == "string_pattern_mismatch":
            message = f"must match {error['ctx']['pattern']}"
        elif error["type"] == "literal_error":
            message = f"must be one of {error['ctx']['expected']}"
        if error["type"] == "value_error" and ": " in message and not path:
            lines.extend(message.split("; "))
        elif error["type"] == "value_error" and message.startswith("link_selector"):
            lines.append(f"{path}.{message}")
        else:
            lines.append(f"{path}: {message}" if path else message)
    return lines
