"""Outgoing SMS: an outbox folder locally; no provider is wired yet (``ARDOISE_SMS=off`` in production).

An SMS sender takes a number (E.164) and a text and returns the message's id.
A provider (an operator's HTTP API, Amazon SNS or Pinpoint) is one more class
here behind the same protocol, named by ``ARDOISE_SMS``.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Protocol


class SmsUnavailable(RuntimeError):
    """No SMS provider is configured (``ARDOISE_SMS=off``)."""


class SmsSender(Protocol):
    """Something that sends an SMS."""

    @property
    def available(self) -> bool:
        """Whether messages can be sent at all."""

    def send(self, to: str, text: str) -> str:
        """Send ``text`` to ``to``; return the message's id."""


class OutboxSms:
    """Write each SMS as one ``.txt`` file in a folder (the local default): its number, then its text."""

    available = True

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def send(self, to: str, text: str) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = f"sms_{uuid.uuid4().hex[:16]}"
        name = f"{time.time_ns()}-{message_id}.txt"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        temporary.rename(self.folder / name)  # a reader never sees half a message
        return message_id

    def messages(self) -> list[tuple[str, str]]:
        """Read back every (number, text), oldest first (tests and the demo use it)."""
        found = []
        for path in sorted(self.folder.glob("*.txt")):
            header, _, text = path.read_text(encoding="utf-8").partition("\n\n")
            found.append((header.removeprefix("To: "), text.removesuffix("\n")))
        return found


class NoSms:
    """No provider: nothing can be sent (scenarios with an SMS step are refused at opening)."""

    available = False

    def send(self, to: str, text: str) -> str:
        raise SmsUnavailable("no SMS provider is configured (ARDOISE_SMS=off)")


def sms_sender_from_url(url: str) -> SmsSender:
    """Build the SMS sender a setting names: ``outbox:FOLDER`` or ``off``."""
    if url.startswith("outbox:"):
        return OutboxSms(url.removeprefix("outbox:"))
    if url == "off":
        return NoSms()
    raise ValueError(f"unknown SMS sender {url!r}: use outbox:FOLDER or off")
