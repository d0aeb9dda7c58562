"""Delivery from the alert outbox: one e-mail per recipient and mode, marked sent after SMTP accepts.

Sending is two-phase. First, due alerts are bound to a message (its Message-ID, derived from
the alerts it carries) and committed. Then each bound message is sent and marked sent. A
crash between send and mark re-sends the *same* message with the *same* Message-ID, never a
regrouped one, so mail systems and clients see a duplicate they can drop, not a new alert.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session

from alerts.message import UnsafeMessage, build_message
from alerts.render import render
from alerts.smtp import send_message
from storage import repository

log = logging.getLogger(__name__)
DIGEST_INTERVAL = timedelta(days=1)
# Wait after the n-th failed send: 1, 2, 4 ... minutes, at most an hour.
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=1)
# Like a mail server's queue lifetime, prompt retrying ends after a time
# (alerts.give_up_after_hours, a day by default: an alert later than that has lost its point),
# but never before this many attempts, so a machine that was off for the day still tries a few
# times. The alert is then marked failed and reported; nothing is dropped, so it is still
# tried, once a day, until it goes out or an operator retries it at once.
MIN_ATTEMPTS = 5
FAILED_RETRY = timedelta(days=1)


@dataclass
class DeliveryReport:
    messages: int = 0
    alerts: int = 0
    failures: list[str] = field(default_factory=list)
    waiting: int = 0  # alerts whose retry time has not come yet
    gave_up: list[str] = field(default_factory=list)  # messages this run stopped retrying

    def as_dict(self) -> dict:
        return {"messages": self.messages, "alerts": self.alerts, "failures": self.failures,
                "waiting": self.waiting, "gave_up": self.gave_up}


def message_id_for(alert_ids: list[int], domain: str) -> str:
    """A Message-ID derived from the alerts it carries: a re-send after a crash reuses it."""
    digest = hashlib.sha256(",".join(map(str, sorted(alert_ids))).encode()).hexdigest()[:24]
    return f"<claimwatch.{digest}@{domain}>"


def retry_delay(attempts: int) -> timedelta:
    return min(RETRY_MAX, RETRY_BASE * (2 ** max(0, attempts - 1)))


def deliver_due(config, engine: Engine, *, now: datetime | None = None,
                include_digests: bool = False) -> DeliveryReport:
    """Send every due alert; failures are recorded on the alerts and retried later, with a
    growing wait, until alerts.give_up_after_hours have passed since the first failure."""
    now = now or datetime.now(timezone.utc)
    report = DeliveryReport()
    smtp = config.alerts.smtp
    domain = smtp.sender.rsplit("@", 1)[-1] or "claimwatch"
    modes = ["immediate", "digest"] if include_digests else ["immediate"]
    give_up_after = timedelta(hours=config.alerts.give_up_after_hours)
    with Session(engine) as session:
        _bind_messages(session, modes, now, domain)
        # A bound digest's day has come: if sending it failed, every run retries it.
        message_ids = list(_bound_messages(session, ["immediate", "digest"]))
    for message_id in message_ids:
        with Session(engine) as session:
            # Hold the message's rows while sending: a concurrent delivery waits, then finds
            # it sent, so two runs at once never mail the same alerts twice.
            alerts = repository.lock_unsent_message(session=session, message_id=message_id)
            if not alerts:
                continue
            waiting = [a for a in alerts if a.next_attempt_at and _aware(a.next_attempt_at) > now]
            if waiting:
                report.waiting += len(alerts)
                continue
            live = [a for a in alerts if not _dismissed(session, a.conflict_id)]
            ids = [a.id for a in alerts]
            if not live:
                repository.mark_alerts(session=session, alert_ids=ids, message_id=message_id,
                                       error=None, now=now)
                continue
            error = _send(session, smtp, live, message_id, now)
            if error is None:
                repository.mark_alerts(session=session, alert_ids=ids, message_id=message_id,
                                       error=None, now=now)
                report.messages += 1
                report.alerts += len(live)
            else:
                report.failures.append(error)
                attempts = max(a.attempts for a in alerts) + 1
                first_failed = min(_aware(a.first_failed_at or now) for a in alerts)
                give_up = attempts >= MIN_ATTEMPTS and now - first_failed >= give_up_after
                if give_up:
                    report.gave_up.append(_give_up_notice(live, attempts, first_failed, error))
                    log.error("gave up on alert e-mail %s: %s", message_id, report.gave_up[-1])
                wait = FAILED_RETRY if give_up else retry_delay(attempts)
                repository.mark_alerts(session=session, alert_ids=ids, message_id=message_id,
                                       error=error, now=now, give_up=give_up,
                                       retry_at=now + wait)
    return report


def _give_up_notice(alerts: list, attempts: int, first_failed: datetime, error: str) -> str:
    conflicts = ", ".join(f"#{a.conflict_id}" for a in alerts)
    return (f"{alerts[0].recipient}: conflicts {conflicts} not sent after {attempts} attempts "
            f"since {first_failed:%Y-%m-%d %H:%M} UTC (last error: {error}); tried once a day "
            f"from now on, `claimwatch alerts retry` tries them at the next delivery")


def _bind_messages(session: Session, modes: list[str], now: datetime, domain: str) -> None:
    """Group unbound due alerts into messages: one per recipient, mode and history flag."""
    batches: dict[tuple[str, str, bool], list] = defaultdict(list)
    for alert in repository.unsent_alerts(session=session, modes=modes):
        if alert.message_id is None:
            batches[(alert.recipient, alert.mode, alert.historical)].append(alert)
    for (recipient, mode, _historical), alerts in batches.items():
        if mode == "digest":
            last = repository.last_digest_sent(session=session, recipient=recipient)
            if last is not None and now - _aware(last) < DIGEST_INTERVAL:
                continue
        repository.bind_alerts(session=session, alert_ids=[a.id for a in alerts],
                               message_id=message_id_for([a.id for a in alerts], domain))
        session.commit()


def _bound_messages(session: Session, modes: list[str]) -> dict[str, list]:
    messages: dict[str, list] = defaultdict(list)
    for alert in repository.unsent_alerts(session=session, modes=modes):
        if alert.message_id is not None:
            messages[alert.message_id].append(alert)
    return messages


def _dismissed(session: Session, conflict_id: int) -> bool:
    return repository.conflict_view(session=session, conflict_id=conflict_id)[
        "conflict"].dismissed_reason is not None


def _send(session: Session, smtp, alerts: list, message_id: str, now: datetime) -> str | None:
    first = alerts[0]
    groups = group_by_proposition(session, alerts)
    subject, text, html = render(groups, digest=first.mode == "digest",
                                 historical=first.historical)
    try:
        message = build_message(subject=subject, text=text, html=html, sender=smtp.sender,
                                recipient=first.recipient, message_id=message_id, date=now)
        send_message(message, host=smtp.host, port=smtp.port, starttls=smtp.starttls,
                     username=smtp.username, password=smtp.password(), timeout=smtp.timeout,
                     sender=smtp.sender, recipients=[first.recipient])
    except (OSError, smtplib.SMTPException, UnsafeMessage) as exc:
        # The exception text never contains the password: smtplib reports codes and replies.
        error = f"{first.recipient}: {type(exc).__name__}: {exc}"
        log.error("alert e-mail %s not sent to %s: %s", message_id, first.recipient, exc)
        return error
    return None


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def group_by_proposition(session: Session, alerts: list) -> list[dict]:
    """The e-mail's content: conflicts grouped by proposition, each with both sides and the
    proposition's whole timeline."""
    by_proposition: dict[str, list[dict]] = defaultdict(list)
    for alert in alerts:
        view = repository.conflict_view(session=session, conflict_id=alert.conflict_id)
        conflict = view["conflict"]
        by_proposition[conflict.proposition].append({
            "id": conflict.id, "kind": conflict.kind, "explanation": conflict.explanation,
            "statement": _side(view["statement"]), "other": _side(view["conflicts_with"]),
        })
    return [{"proposition": p, "conflicts": c,
             "timeline": repository.proposition_timeline(session=session, proposition=p)}
            for p, c in by_proposition.items()]


def _side(view: dict) -> dict:
    statement, article = view["statement"], view["article"]
    return {"speaker": statement.speaker_name, "role": statement.speaker_role,
            "institution": view.get("institution"),
            "text": statement.text, "sentence": statement.sentence,
            "said_on": statement.said_on.isoformat() if statement.said_on else None,
            "url": article.url, "title": article.title, "source": article.source_id,
            "also": view.get("sources", [])[1:]}
