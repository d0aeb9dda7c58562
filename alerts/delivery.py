"""Delivery from the alert outbox: one e-mail per recipient and mode, marked sent after SMTP accepts."""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from alerts.render import clean_header, render
from alerts.smtp import send_message
from storage import repository

log = logging.getLogger(__name__)
DIGEST_INTERVAL = timedelta(days=1)


@dataclass
class DeliveryReport:
    messages: int = 0
    alerts: int = 0
    failures: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"messages": self.messages, "alerts": self.alerts, "failures": self.failures}


def message_id_for(alert_ids: list[int], domain: str) -> str:
    """A Message-ID derived from the alerts it carries: a re-send after a crash reuses it."""
    digest = hashlib.sha256(",".join(map(str, sorted(alert_ids))).encode()).hexdigest()[:24]
    return f"<claimwatch.{digest}@{domain}>"


def deliver_due(config, engine: Engine, *, now: datetime | None = None,
                include_digests: bool = False) -> DeliveryReport:
    """Send every due alert; failures are recorded on the alerts and retried next time."""
    now = now or datetime.now(timezone.utc)
    report = DeliveryReport()
    smtp = config.alerts.smtp
    with Session(engine) as session:
        modes = ["immediate", "digest"] if include_digests else ["immediate"]
        pending = repository.unsent_alerts(session=session, modes=modes)
        batches: dict[tuple[str, str, bool], list] = defaultdict(list)
        for alert in pending:
            batches[(alert.recipient, alert.mode, alert.historical)].append(alert)
        for (recipient, mode, historical), alerts in batches.items():
            if mode == "digest":
                last = repository.last_digest_sent(session=session, recipient=recipient)
                if last is not None and now - _aware(last) < DIGEST_INTERVAL:
                    continue
            ids = [a.id for a in alerts]
            groups = _groups(session, alerts)
            subject, text, html = render(groups, digest=mode == "digest", historical=historical)
            domain = smtp.sender.rsplit("@", 1)[-1] or "claimwatch"
            message_id = message_id_for(ids, domain)
            message = EmailMessage()
            message["Subject"] = subject
            message["From"] = clean_header(smtp.sender)
            message["To"] = clean_header(recipient)
            message["Date"] = format_datetime(now)
            message["Message-ID"] = message_id
            message.set_content(text)
            message.add_alternative(html, subtype="html")
            try:
                send_message(message, host=smtp.host, port=smtp.port, starttls=smtp.starttls,
                             username=smtp.username, password=smtp.password(),
                             timeout=smtp.timeout)
            except (OSError, smtplib.SMTPException) as exc:
                error = f"{recipient}: {type(exc).__name__}: {exc}"
                log.error("alert e-mail not sent to %s: %s", recipient, exc)
                report.failures.append(error)
                repository.mark_alerts(session=session, alert_ids=ids, message_id=None,
                                       error=error)
                continue
            repository.mark_alerts(session=session, alert_ids=ids, message_id=message_id,
                                   error=None)
            report.messages += 1
            report.alerts += len(ids)
    return report


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _groups(session: Session, alerts: list) -> list[dict]:
    by_proposition: dict[str, list[dict]] = defaultdict(list)
    for alert in alerts:
        view = repository.conflict_view(session=session, conflict_id=alert.conflict_id)
        conflict = view["conflict"]
        by_proposition[conflict.proposition].append({
            "id": conflict.id, "kind": conflict.kind, "explanation": conflict.explanation,
            "statement": _side(view["statement"]), "other": _side(view["conflicts_with"]),
        })
    return [{"proposition": p, "conflicts": c} for p, c in by_proposition.items()]


def _side(view: dict) -> dict:
    statement, article = view["statement"], view["article"]
    return {"speaker": statement.speaker_name, "role": statement.speaker_role,
            "text": statement.text, "said_on": statement.said_on.isoformat()
            if statement.said_on else None, "url": article.url, "title": article.title,
            "source": article.source_id}
