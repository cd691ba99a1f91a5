"""The one place mail leaves the app: smtplib over MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS (STARTTLS),
MAIL_USERNAME, MAIL_PASSWORD, from MAIL_DEFAULT_SENDER. Without MAIL_SERVER, mail is off."""

from __future__ import annotations

import logging
import smtplib
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Iterator, Mapping

from leaflets.services.errors import ServiceUnavailable

log = logging.getLogger(__name__)


class MailFailed(ServiceUnavailable):
    code = "mail_failed"


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def enabled(config: Mapping[str, Any]) -> bool:
    return bool(config["MAIL_SERVER"])


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender
    message["To"] = mail.to
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].rstrip(">") or None)
    for name, value in mail.headers.items():
        message[name] = value
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class Connection:
    """An open SMTP session; send() many messages through one connection (a digest run)."""

    def __init__(self, smtp: smtplib.SMTP, sender: str) -> None:
        self._smtp = smtp
        self.sender = sender

    def send(self, mail: Mail) -> None:
        try:
            self._smtp.send_message(build_message(mail, self.sender))
        except (smtplib.SMTPException, OSError) as error:
            raise MailFailed(f"The mail server refused the message: {error}") from error


@contextmanager
def connect(config: Mapping[str, Any]) -> Iterator[Connection]:
    """Connect, STARTTLS when MAIL_USE_TLS, log in when MAIL_USERNAME is set; MailFailed if any step fails."""
    if not enabled(config):
        raise MailFailed("No mail server is configured (MAIL_SERVER).", code="mail_off")
    try:
        smtp = smtplib.SMTP(
            config["MAIL_SERVER"],
            int(config["MAIL_PORT"]),
            timeout=float(config["MAIL_TIMEOUT_S"]),
        )
    except OSError as error:
        log.error("mail server unreachable", extra={"server": config["MAIL_SERVER"], "error": str(error)})
        raise MailFailed("The mail server could not be reached.") from error
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        yield Connection(smtp, str(config["MAIL_DEFAULT_SENDER"]))
    except (smtplib.SMTPException, OSError) as error:
        log.error("mail server session failed", extra={"server": config["MAIL_SERVER"], "error": str(error)})
        raise MailFailed("The mail server could not be used.") from error
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def send(config: Mapping[str, Any], mail: Mail) -> None:
    """Send one message on a connection of its own."""
    with connect(config) as connection:
        connection.send(mail)
