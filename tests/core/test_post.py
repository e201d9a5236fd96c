"""The letter posters behind ``ARDOISE_LETTERS``: the creditor posts (the default), or the outbox stands for a
registered-mail provider, idempotent by the letter's digest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from functions.core.clock import FixedClock
from functions.core.post import CreditorPosts, Letter, LetterPoster, OutboxPost, letter_poster_from_url

ACCEPTED = datetime(2026, 3, 18, 8, 0, 3, tzinfo=UTC)
PDF = b"%PDF-1.4\n% Mise en demeure\n%%EOF\n"


def notice(pdf: bytes = PDF, *, registered: bool = True) -> Letter:
    return Letter("Société Générale d'Équipement", "12 rue de la Paix, 75002 Paris", pdf, registered, "cas_1/ltr_1")


def test_the_creditor_poster_posts_nothing_and_leaves_the_letter_to_the_creditor() -> None:
    poster: LetterPoster = CreditorPosts()
    assert poster.post(notice()) is None


def test_the_outbox_writes_the_pdf_and_its_envelope_and_answers_a_receipt(tmp_path: Path) -> None:
    outbox = OutboxPost(tmp_path / "letters", FixedClock(ACCEPTED))
    poster: LetterPoster = outbox
    receipt = poster.post(notice())
    assert receipt is not None and receipt.accepted_at == ACCEPTED and receipt.registered
    assert receipt.provider == "boîte d'envoi locale" and receipt.reference.startswith("OUT-")
    (envelope,) = outbox.envelopes()
    digest = hashlib.sha256(PDF).hexdigest()
    assert envelope == {
        "reference": receipt.reference,
        "accepted_at": "2026-03-18T08:00:03Z",
        "registered": True,
        "recipient_name": "Société Générale d'Équipement",
        "postal_address": "12 rue de la Paix, 75002 Paris",
        "letter_reference": "cas_1/ltr_1",
        "sha256": digest,
        "pdf": f"{digest}.pdf",
    }
    assert outbox.pdf(envelope) == PDF
    assert sorted(p.name for p in (tmp_path / "letters").iterdir()) == [f"{digest}.json", f"{digest}.pdf"]


def test_the_same_letter_posted_again_answers_the_first_receipt_without_a_second_letter(tmp_path: Path) -> None:
    clock = FixedClock(ACCEPTED)
    outbox = OutboxPost(tmp_path, clock)
    first = outbox.post(notice())
    clock.advance(minutes=20)  # the tick that retries the step
    assert outbox.post(notice()) == first
    assert len(outbox.envelopes()) == 1 and len(list(tmp_path.glob("*.pdf"))) == 1
    other = outbox.post(notice(b"%PDF-1.4\n% Relance\n%%EOF\n", registered=False))
    assert other.reference != first.reference and not other.registered
    assert [e["registered"] for e in outbox.envelopes()] == [True, False]


@pytest.mark.parametrize(("url", "kind"), [("creditor", CreditorPosts), ("outbox:/tmp/ardoise-letters", OutboxPost)])
def test_the_setting_names_its_poster(url: str, kind: type) -> None:
    assert isinstance(letter_poster_from_url(url), kind)


def test_an_unknown_poster_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown letter poster 'lrar': use creditor or outbox:FOLDER"):
        letter_poster_from_url("lrar")
