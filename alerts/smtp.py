"""SMTP delivery of one message: STARTTLS and login when configured, the password never logged."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage


def send_message(message: EmailMessage, *, host: str, port: int, starttls: bool,
                 username: str | None, password: str | None, timeout: float,
                 sender: str, recipients: list[str]) -> None:
    """Send `message` to exactly `recipients`; raises OSError or smtplib.SMTPException on failure.

    The envelope is given, never read from the headers: whatever a header says, the server is
    asked to deliver to the configured recipients only."""
    with smtplib.SMTP(host, port, timeout=timeout) as client:
        client.ehlo()
        if starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if username:
            client.login(username, password or "")
        client.send_message(message, from_addr=sender, to_addrs=recipients)
