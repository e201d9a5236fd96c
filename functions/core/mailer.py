"""Outgoing e-mail: an outbox folder locally, Amazon SES in production.

A mailer raises :class:`MailNotSent` when the mail service does not take a
message, saying whether trying again later may work (throttling, a service
error) or not (the message or its address was refused); a local outbox that
cannot write raises ``OSError``, which is worth trying again too.
"""

from __future__ import annotations

import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Attachment:
    """A file joined to a message (a printable letter, say)."""

    filename: str
    content: bytes
    mime_type: str = "application/pdf"


@dataclass(frozen=True)
class Message:
    """One e-mail: plain text always, HTML optional, attachments optional."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    reply_to: str | None = None


class MailNotSent(Exception):
    """The mail service did not take a message; ``transient`` tells whether a later try may succeed."""

    def __init__(self, code: str, *, transient: bool) -> None:
        super().__init__(code)
        self.code = code
        self.transient = transient


# SES refusals of the message itself (its address, its content): sending it again
# would be refused again. Every other error (Throttling for the sending rate or the
# daily quota, ServiceUnavailable, InternalFailure, a paused account or a missing
# permission the operator will fix...) leaves the message worth another try.
SES_REFUSALS = frozenset({"MessageRejected", "InvalidParameterValue", "InvalidParameterCombination"})


class Mailer(Protocol):
    """Something that sends a :class:`Message`."""

    def send(self, message: Message) -> str:
        """Send the message; return its Message-ID."""


# CPython's header folding drops the space between two encoded words when it
# wraps a long non-ASCII subject ("Société Générale" became "SociétéGénérale");
# SMTP allows 998-character lines, so headers are simply not folded.
_MIME_POLICY = policy.default.clone(max_line_length=998)


def one_line(text: str) -> str:
    """A header value folded to one line: line breaks, tabs and other control characters become single spaces."""
    return " ".join("".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text).split())


def to_mime(message: Message, sender: str) -> EmailMessage:
    """Build the MIME message both mailers send."""
    mime = EmailMessage(policy=_MIME_POLICY)
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = one_line(message.subject)
    mime["Date"] = formatdate(localtime=False)
    mime["Message-ID"] = make_msgid(domain="ardoise")
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = attachment.mime_type.split("/", 1)
        mime.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return mime


class OutboxMailer:
    """Write each message as one ``.eml`` file in a folder (the local default)."""

    def __init__(self, folder: str | Path, sender: str) -> None:
        self.folder = Path(folder)
        self.sender = sender

    def send(self, message: Message) -> str:
        mime = to_mime(message, self.sender)
        self.folder.mkdir(parents=True, exist_ok=True)
        # A time prefix keeps the folder in sending order.
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.folder / f".{name}.tmp"
        temporary.write_bytes(bytes(mime))
        # Rename last so that a reader never sees half a message.
        temporary.rename(self.folder / name)
        return str(mime["Message-ID"])

    def messages(self) -> list[EmailMessage]:
        """Read back every message, oldest first (tests and the demo use it)."""
        from email.parser import BytesParser

        parser = BytesParser(policy=policy.default)
        paths = sorted(self.folder.glob("*.eml"))
        return [parser.parsebytes(path.read_bytes()) for path in paths]


class SesMailer:
    """Send through Amazon SES (raw messages, so attachments work)."""

    def __init__(self, sender: str, client: Any = None, region: str = "eu-west-3") -> None:
        if client is None:
            import boto3

            client = boto3.client("ses", region_name=region)
        self.client = client
        self.sender = sender

    def send(self, message: Message) -> str:
        """Send the message; raise :class:`MailNotSent` when SES does not take it."""
        from botocore.exceptions import BotoCoreError, ClientError

        mime = to_mime(message, self.sender)
        try:
            response = self.client.send_raw_email(
                Source=self.sender, Destinations=[message.to], RawMessage={"Data": bytes(mime)}
            )
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
            raise MailNotSent(code, transient=code not in SES_REFUSALS) from exc
        except BotoCoreError as exc:
            # Connection errors and timeouts, once botocore's own retries are spent.
            raise MailNotSent(type(exc).__name__, transient=True) from exc
        return str(response["MessageId"])


def mailer_from_url(url: str, sender: str, *, ses_client: Any = None) -> Mailer:
    """Build the mailer a setting names: ``outbox:FOLDER`` or ``ses``."""
    if url.startswith("outbox:"):
        return OutboxMailer(url.removeprefix("outbox:"), sender)
    if url == "ses" or url.startswith("ses:"):
        region = url.removeprefix("ses:") if url.startswith("ses:") else "eu-west-3"
        return SesMailer(sender, ses_client, region)
    raise ValueError(f"unknown mailer {url!r}: use outbox:FOLDER or ses")
