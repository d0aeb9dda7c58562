"""SMTP safety: certificate checks before AUTH, secrets never logged, headers never injected."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlmodel import Session, select

from alerts import deliver_due
from claimwatch.config import Config
from claimwatch.sample_site import free_port
from storage.db import engine_for
from storage.models import Alert
from tests.test_alerts import NOW, seed

SECRET = "hunter2-do-not-log"


class Recorder:
    def __init__(self):
        self.messages: list[bytes] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.auth_attempts: list[str] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(envelope.content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.auth_attempts.append(mechanism)
        ok = getattr(auth_data, "password", b"") == SECRET.encode()
        return AuthResult(success=ok, handled=False)


def self_signed_context(tmp_path) -> ssl.SSLContext:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mail.invalid")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return context


@pytest.fixture
def smtp_server(tmp_path, request):
    recorder = Recorder()
    tls = request.param == "tls"
    controller = Controller(
        recorder, hostname="127.0.0.1", port=free_port(),
        tls_context=self_signed_context(tmp_path) if tls else None,
        authenticator=recorder.authenticate, auth_require_tls=tls)
    controller.start()
    yield controller.port, recorder
    controller.stop()


def config(db: str, port: int, *, starttls: bool) -> Config:
    return Config.model_validate({
        "database_url": db,
        "alerts": {"smtp": {"host": "127.0.0.1", "port": port, "starttls": starttls,
                            "username": "claimwatch", "password_env": "CW_TEST_SMTP_SECRET"},
                   "recipients": [{"email": "a@x.org"}]}})


@pytest.mark.parametrize("smtp_server", ["tls"], indirect=True)
def test_untrusted_certificate_fails_before_any_auth(tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("CW_TEST_SMTP_SECRET", SECRET)
    port, recorder = smtp_server
    db = f"sqlite:///{tmp_path / 'm.db'}"
    seed(db)
    report = deliver_due(config(db, port, starttls=True), engine_for(db), now=NOW)
    assert report.messages == 0 and "SSL" in report.failures[0]
    assert recorder.auth_attempts == [] and recorder.messages == []


@pytest.mark.parametrize("smtp_server", ["plain"], indirect=True)
def test_passwords_never_reach_logs_reports_or_the_database(tmp_path, smtp_server,
                                                             monkeypatch, caplog):
    port, recorder = smtp_server
    db = f"sqlite:///{tmp_path / 'm.db'}"
    seed(db)
    monkeypatch.setenv("CW_TEST_SMTP_SECRET", "wrong-" + SECRET)
    failed = deliver_due(config(db, port, starttls=False), engine_for(db), now=NOW)
    assert failed.messages == 0 and "SMTPAuthenticationError" in failed.failures[0]
    with Session(engine_for(db)) as session:
        stored = " ".join(a.last_error or "" for a in session.exec(select(Alert)).all())
    assert SECRET not in caplog.text + stored + " ".join(failed.failures)
    monkeypatch.setenv("CW_TEST_SMTP_SECRET", SECRET)
    later = NOW + dt.timedelta(hours=2)
    sent = deliver_due(config(db, port, starttls=False), engine_for(db), now=later)
    assert sent.messages == 1 and recorder.auth_attempts and len(recorder.messages) == 1


@pytest.mark.parametrize("smtp_server", ["plain"], indirect=True)
@pytest.mark.parametrize("title", ["Hello\r\nBcc: evil@x.org", "Hello\n",
                                   "=?UTF-8?Q?=0A?=Bcc: evil@x.org", "<img src=x onerror=alert(1)>"])
def test_hostile_titles_add_no_header_and_render_escaped(tmp_path, smtp_server, monkeypatch,
                                                          title):
    from email import policy
    from email.parser import BytesParser

    monkeypatch.setenv("CW_TEST_SMTP_SECRET", SECRET)
    port, recorder = smtp_server
    db = f"sqlite:///{tmp_path / 'm.db'}"
    seed(db, title=title)
    assert deliver_due(config(db, port, starttls=False), engine_for(db), now=NOW).messages == 1
    message = BytesParser(policy=policy.default).parsebytes(recorder.messages[0])
    assert message.get_all("Subject") is not None and len(message.get_all("Subject")) == 1
    assert message.get_all("Bcc") is None and message["To"] == "a@x.org"
    assert "\n" not in str(message["Subject"])
    html = message.get_body(("html",)).get_content()
    assert "<img src=x" not in html and message.get_body(("plain",)) is not None


HOSTILE_SUBJECTS = [
    "armenia use iskander\n",
    "armenia use iskander\r\nBcc: evil@x.org",
    "=?UTF-8?Q?=0A?=Bcc: evil@x.org",
    "a =?utf-8?b?DQpCY2M6IGV2aWxAeC5vcmc=?= b",
    "armenia\u2028Bcc: evil@x.org\u2029use",
    "armenia\x85Bcc: evil@x.org",
    "armenia\x1c\x1d\x1e\x0b\x0cBcc: evil@x.org",
    "armenia \u202eesu\u202c iskander",
    "x" * 500 + "\r\nBcc: evil@x.org",
]


@pytest.mark.parametrize("smtp_server", ["plain"], indirect=True)
@pytest.mark.parametrize("hostile", HOSTILE_SUBJECTS)
def test_hostile_text_in_the_subject_adds_no_header_and_no_recipient(tmp_path, smtp_server,
                                                                     monkeypatch, hostile):
    from email import policy
    from email.parser import BytesParser

    monkeypatch.setenv("CW_TEST_SMTP_SECRET", SECRET)
    port, recorder = smtp_server
    db = f"sqlite:///{tmp_path / 'm.db'}"
    seed(db, proposition=hostile, title=hostile)
    report = deliver_due(config(db, port, starttls=False), engine_for(db), now=NOW)
    assert report.messages == 1, report.failures
    # The envelope is what mail servers deliver to: only the configured recipient.
    assert recorder.envelopes == [("claimwatch@localhost", ["a@x.org"])]
    message = BytesParser(policy=policy.default).parsebytes(recorder.messages[0])
    assert len(message.get_all("Subject")) == 1 and message.get_all("Bcc") is None
    assert sorted(k.lower() for k in message.keys()) == sorted(
        ["subject", "from", "to", "date", "message-id", "mime-version", "content-type"])
    subject = str(message["Subject"]).strip()  # folding may start the value on its own line
    assert subject.startswith("[claimwatch] 1 new conflict: ")
    assert not any(ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f or c in "\u2028\u2029\u202e"
                   for c in subject)
    assert len(subject) <= 200
    assert message.get_body(("plain",)) is not None


def test_a_message_whose_serialisation_would_add_a_header_is_refused():
    from email import policy
    from email.message import EmailMessage
    from email.parser import BytesParser

    from alerts.message import UnsafeMessage, _check_headers

    # Built around the cleaning, as a careless caller would: the check is the last line.
    message = EmailMessage()
    message["Subject"] = "=?UTF-8?Q?=0A?=Bcc: evil@x.org"
    for name, value in (("From", "c@x.org"), ("To", "a@x.org"), ("Date", "Sat, 10 Jan 2026 12:00:00 +0000"),
                        ("Message-ID", "<m@x.org>")):
        message[name] = value
    message.set_content("text")
    try:
        _check_headers(message)
    except UnsafeMessage:
        return
    # A Python whose folding is fixed (cpython#121650) writes the header safely: no Bcc.
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    assert parsed.get_all("Bcc") is None and len(parsed.get_all("Subject")) == 1
