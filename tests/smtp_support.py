"""A real SMTP server for tests: aiosmtpd on a free port of 127.0.0.1, keeping every message it receives."""

from __future__ import annotations

import email
import re
import threading
from email.message import EmailMessage
from email.policy import default
from typing import Any, Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.support import free_port, wait_until


class Inbox:
    """What the server received, in order; `wait_for` polls until a message for an address arrives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's handler hook
        message = email.message_from_bytes(envelope.content, policy=default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1) -> list[EmailMessage]:
        return wait_until(
            lambda: self.to(address) if len(self.to(address)) >= count else None,
            15,
            f"{count} message(s) to {address}",
        )


def body(message: EmailMessage, subtype: str = "plain") -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content()


def link(message: EmailMessage, path: str) -> str:
    """The path (and query) of the first link in the mail's text that starts with `path`."""
    found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[^\s]*)", body(message))
    assert found, f"no link to {path} in:\n{body(message)}"
    return found.group(1)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()
