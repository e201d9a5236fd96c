"""Posting letters: the creditor prints and posts them (``ARDOISE_LETTERS=creditor``, also in production);
an outbox folder exercises the registered-mail provider path locally. No provider is wired yet.

A letter poster takes a letter (the PDF, the recipient's name and postal
address, registered with acknowledgement of receipt or not) and either posts
it, answering the provider's receipt, or answers None: Ardoise posted
nothing, the creditor posts it. A registered-mail provider (an e-LRAR or
hybrid mail service's API) is one more class here behind the same protocol,
named by ``ARDOISE_LETTERS``. It must be idempotent by the letter's digest: a
tick that crashed after posting, or whose copy to the creditor failed, sends
the same letter again, and the provider's reference must come back without a
second letter in the post.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from functions.core.clock import Clock, isoformat, parse_iso, system_clock
from functions.core.domain.recovery import PostingReceipt


class LetterNotPosted(RuntimeError):
    """The provider did not take the letter (refused, down): the step is tried again at a later tick."""


@dataclass(frozen=True)
class Letter:
    """One letter to post: what the provider prints and where it goes."""

    recipient_name: str
    postal_address: str
    pdf: bytes
    registered: bool  # registered with acknowledgement of receipt (a formal notice), else simple mail
    reference: str  # Ardoise's own reference for it: the case and the step (``CASE_ID/step-N``), whatever the day

    @property
    def sha256(self) -> str:
        """The digest the timeline keeps, and the key a provider deduplicates on."""
        return hashlib.sha256(self.pdf).hexdigest()


class LetterPoster(Protocol):
    """Something that posts letters, or leaves them to the creditor."""

    @property
    def name(self) -> str:
        """Who posts, in French words for the creditor ("boîte d'envoi locale", a provider's trade name)."""

    def post(self, letter: Letter) -> PostingReceipt | None:
        """Post ``letter`` and answer its receipt (the same one again for a digest already posted), or None:
        nothing is posted, the creditor prints and posts it. Raises :class:`LetterNotPosted` on refusal."""


class CreditorPosts:
    """Nothing is posted by Ardoise: the letter is e-mailed to the creditor, who prints and posts it (the default,
    in production too until a registered-mail provider is under contract)."""

    name = "le créancier"

    def post(self, letter: Letter) -> PostingReceipt | None:
        return None


class OutboxPost:
    """Write each letter as its PDF and a JSON envelope in a folder (the provider path, locally): tests and demos
    read what a provider would have received. The same digest posted twice answers the first receipt."""

    name = "boîte d'envoi locale"

    def __init__(self, folder: str | Path, clock: Clock = system_clock) -> None:
        self.folder = Path(folder)
        self.clock = clock

    def _envelope_path(self, digest: str) -> Path:
        return self.folder / f"{digest}.json"

    def post(self, letter: Letter) -> PostingReceipt:
        digest = letter.sha256
        envelope_path = self._envelope_path(digest)
        if envelope_path.exists():  # posted already (a retried tick): the same reference, no second letter
            return self._receipt(json.loads(envelope_path.read_text(encoding="utf-8")))
        self.folder.mkdir(parents=True, exist_ok=True)
        receipt = PostingReceipt(self.name, f"OUT-{digest[:12].upper()}", self.clock(), letter.registered)
        envelope = {
            "reference": receipt.reference,
            "accepted_at": isoformat(receipt.accepted_at),
            "registered": letter.registered,
            "recipient_name": letter.recipient_name,
            "postal_address": letter.postal_address,
            "letter_reference": letter.reference,
            "sha256": digest,
            "pdf": f"{digest}.pdf",
        }
        # The PDF first, the envelope last: a reader (or a retry) that sees the envelope sees the whole letter.
        self._write(self.folder / f"{digest}.pdf", letter.pdf)
        self._write(envelope_path, json.dumps(envelope, ensure_ascii=False, indent=2).encode())
        return receipt

    def _write(self, path: Path, content: bytes) -> None:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(content)
        temporary.rename(path)  # a reader never sees half a file

    def _receipt(self, envelope: dict[str, object]) -> PostingReceipt:
        accepted_at = parse_iso(str(envelope["accepted_at"]))
        return PostingReceipt(self.name, str(envelope["reference"]), accepted_at, bool(envelope["registered"]))

    def envelopes(self) -> list[dict[str, object]]:
        """Read back every envelope, oldest first (tests and the demo use it)."""
        found = [json.loads(p.read_text(encoding="utf-8")) for p in self.folder.glob("*.json")]
        return sorted(found, key=lambda envelope: str(envelope["accepted_at"]))

    def pdf(self, envelope: dict[str, object]) -> bytes:
        """The PDF an envelope goes with."""
        return (self.folder / str(envelope["pdf"])).read_bytes()


LETTERS_CHOICES = "creditor or outbox:FOLDER"


def check_letters_url(url: str) -> str:
    """The setting's value if it names a poster (``creditor`` or ``outbox:FOLDER``), else a ValueError."""
    if url == "creditor" or (url.startswith("outbox:") and len(url) > len("outbox:")):
        return url
    raise ValueError(f"unknown letter poster {url!r}: use {LETTERS_CHOICES}")


def letter_poster_from_url(url: str, clock: Clock = system_clock) -> LetterPoster:
    """Build the letter poster a setting names: ``creditor`` or ``outbox:FOLDER``."""
    check_letters_url(url)
    if url == "creditor":
        return CreditorPosts()
    return OutboxPost(url.removeprefix("outbox:"), clock)
