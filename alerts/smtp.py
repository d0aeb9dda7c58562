"""SMTP delivery of one message: STARTTLS and login when configured, the password never logged."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage


def send_message(message: EmailMessage, *, host: str, port: int, starttls: bool,
                 username: str | None, password: str | None, timeout: float) -> None:
    """Send `message`; raises OSError or smtplib.SMTPException on failure."""
    with smtplib.SMTP(host, port, timeout=timeout) as client:
        client.ehlo()
        if starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if username:
            client.login(username, password or "")
        client.send_message(message)
