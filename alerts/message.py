"""One alert e-mail as MIME, refused unless it parses back with exactly the headers we set."""

from __future__ import annotations

from datetime import datetime
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime

from alerts.render import clean_header

ADDRESS_LIMIT = 320  # RFC 5321: 64 for the local part, 255 for the domain, and the "@"
_OUR_HEADERS = ["subject", "from", "to", "date", "message-id", "mime-version", "content-type"]


class UnsafeMessage(ValueError):
    """The e-mail would not go out as built (an injected header, a changed subject): not sent."""


def build_message(*, subject: str, text: str, html: str, sender: str, recipient: str,
                  message_id: str, date: datetime) -> EmailMessage:
    """The alert e-mail, plain text and HTML; raises UnsafeMessage if its headers are not ours."""
    message = EmailMessage()
    try:
        message["Subject"] = clean_header(subject)
        message["From"] = clean_header(sender, ADDRESS_LIMIT)
        message["To"] = clean_header(recipient, ADDRESS_LIMIT)
        message["Date"] = format_datetime(date)
        message["Message-ID"] = clean_header(message_id, ADDRESS_LIMIT)
    except ValueError as exc:  # the header registry refuses what it cannot represent safely
        raise UnsafeMessage(f"header refused: {exc}") from None
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    _check_headers(message)
    return message


def _check_headers(message: EmailMessage) -> None:
    # Serialise as smtplib will, read it back as a mail client would: whatever the Python
    # version's header folding does, the receiver must see our headers and nothing else.
    try:
        raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    except MessageError as exc:  # a Python that refuses to write an unsafely folded header
        raise UnsafeMessage(f"header refused: {exc}") from None
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    names = sorted(name.lower() for name in parsed.keys())
    if names != sorted(_OUR_HEADERS):
        raise UnsafeMessage(f"unexpected headers after serialisation: {names}")
    # Folding may move whitespace, nothing else.
    if str(parsed["Subject"]).split() != str(message["Subject"]).split():
        raise UnsafeMessage("the subject changed in serialisation")
