"""A letter step through a registered-mail provider (``ARDOISE_LETTERS=outbox:...`` standing for one): posted by
Ardoise, its reference on the timeline, the space page and the timestamped record, the creditor e-mailed a copy;
a provider that fails loses no step and posts no letter twice."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from functions.core.config import Settings
from functions.core.domain.recovery import PostingReceipt
from functions.core.post import Letter, LetterNotPosted, OutboxPost
from functions.core.resources import Resources
from functions.core.usecases.recovery.progress import run_due_cases
from tests.directory.factories import DEBTOR_NAME
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload
from tests.recovery.test_case_report import NOTICE_STEP, RECEIPT, document
from tests.recovery.test_tick import CREDITOR, ThrottledMailer
from tests.recovery.test_timestamped_record import text_of
from tests.spaces.conftest import CREDITOR_SIREN, MEMBER_EMAIL
from tests.spaces.helpers import sign_in, text

ADDRESS = "12 rue de la Paix, 75002 Paris"


def march(day: int, hour: int = 8, minute: int = 0) -> datetime:
    """A moment in March 2026 (UTC): 8:00 UTC is 9:00 in Paris, when planned steps go."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The shared settings, letters posted through the outbox that stands for a registered-mail provider."""
    return settings.replace(letters_url=f"outbox:{tmp_path}/letters")


@pytest.fixture
def outbox(desk: Desk) -> OutboxPost:
    poster = desk.resources.poster
    assert isinstance(poster, OutboxPost)
    return poster


def open_case(desk: Desk) -> str:
    """A default-scenario case: e-mails on 4 and 11 March, the formal notice by letter on 18 March."""
    response = desk.api.post("/cases", json=case_payload(), headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


def notice_of(desk: Desk, case_id: str) -> dict[str, Any]:
    return next(e for e in desk.case(case_id)["timeline"] if e["kind"] == "step_sent" and e["step"] == NOTICE_STEP)


def test_the_notice_is_posted_by_the_provider_and_the_creditor_gets_a_copy_with_its_reference(
    desk: Desk, outbox: OutboxPost
) -> None:
    case_id = open_case(desk)
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    (envelope,) = outbox.envelopes()
    assert (envelope["recipient_name"], envelope["postal_address"], envelope["registered"]) == (
        DEBTOR_NAME,
        ADDRESS,
        True,
    )
    pdf = outbox.pdf(envelope)
    message = notice_of(desk, case_id)["message"]
    assert message["sha256"] == hashlib.sha256(pdf).hexdigest() == envelope["sha256"]
    assert message["posting"] == {
        "provider": "boîte d'envoi locale",
        "reference": envelope["reference"],
        "accepted_at": "2026-03-18T08:00:00Z",
        "registered": True,
    }
    assert envelope["letter_reference"] == f"{case_id}/step-{NOTICE_STEP}"

    (copy,) = desk.mails_to(CREDITOR)[-1:]
    assert str(copy["Subject"]).startswith("Posté par Ardoise : Mise en demeure de payer la facture F-2026-0117")
    body = copy.get_body(("plain",))
    assert body is not None
    words = " ".join(body.get_content().split())
    assert f"via boîte d'envoi locale, référence {envelope['reference']}" in words
    assert "en recommandé avec accusé de réception" in words and "Vous n'avez rien à poster" in words
    (attachment,) = list(copy.iter_attachments())
    assert attachment.get_content() == pdf
    assert not [m for m in desk.mails_to(CREDITOR) if str(m["Subject"]).startswith("À poster")]


def test_the_reference_is_on_the_space_page_and_the_record_and_the_receipt_can_still_be_joined(
    desk: Desk, outbox: OutboxPost, tmp_path: Path
) -> None:
    case_id = open_case(desk)
    for day in (4, 11, 18):
        desk.tick_at(march(day))
    (envelope,) = outbox.envelopes()
    browser = desk.api.application.test_client()
    sign_in(browser, desk.mailer, siren=CREDITOR_SIREN, email=MEMBER_EMAIL)
    page = text(browser.get(f"/espace/dossiers/{case_id}"))
    assert "Mise en demeure : courrier posté par Ardoise" in page
    assert f"via boîte d'envoi locale, référence {envelope['reference']}" in page
    assert "à poster par vous" not in page

    # The provider's acknowledgement of receipt comes later, as a document the creditor joins.
    joined = desk.api.post(
        f"/cases/{case_id}/dispatch-proofs",
        json={"step": NOTICE_STEP, "document_id": document(desk, "notice_proof", RECEIPT, "accuse.pdf")},
        headers=desk.member,
    )
    assert joined.status_code == 200, joined.json

    record = desk.api.get(f"/cases/{case_id}/record", headers=desk.member)
    assert record.status_code == 200
    words = text_of(record.data, tmp_path)
    assert "courrier, préparé et posté par Ardoise via boîte d'envoi locale" in words
    assert (
        f"Posté via boîte d'envoi locale (recommandé avec accusé de réception), référence {envelope['reference']}, "
        "pris en charge le 18/03/2026 à 09:00:00 (heure de Paris)"
    ) in words


class FailingPoster:
    """A provider that refuses every letter (down, or refusing the account) until ``recovered``."""

    name = "Prestataire en panne"

    def __init__(self, outbox: OutboxPost) -> None:
        self.outbox, self.recovered, self.refused = outbox, False, 0

    def post(self, letter: Letter) -> PostingReceipt:
        if not self.recovered:
            self.refused += 1
            raise LetterNotPosted("503 Service Unavailable")
        return self.outbox.post(letter)


def test_a_provider_that_fails_loses_no_step_the_next_tick_posts_it_once(desk: Desk, outbox: OutboxPost) -> None:
    case_id = open_case(desk)
    for day in (4, 11):
        desk.tick_at(march(day))
    res = desk.resources
    failing = FailingPoster(outbox)
    local = Resources(res.settings, store=res.store, mailer=res.mailer, clock=desk.clock, poster=failing)
    desk.clock.now = march(18)
    assert run_due_cases(local) == {"sent": 0, "ended": 0, "resumed": 0, "failed": 1}
    assert failing.refused == 1 and outbox.envelopes() == []
    assert [e["kind"] for e in desk.case(case_id)["timeline"]] == ["opened", "step_sent", "step_sent"]
    assert not [m for m in desk.mails_to(CREDITOR) if "Mise en demeure" in str(m["Subject"])]

    desk.clock.now = march(18, 8, 10)  # the failed tick's claim has not run out: nobody sends it yet
    assert run_due_cases(local)["sent"] == 0 and failing.refused == 1
    failing.recovered = True
    desk.clock.now = march(18, 8, 20)
    assert run_due_cases(local) == {"sent": 1, "ended": 0, "resumed": 0, "failed": 0}
    (envelope,) = outbox.envelopes()
    assert notice_of(desk, case_id)["message"]["posting"]["reference"] == envelope["reference"]
    assert len([m for m in desk.mails_to(CREDITOR) if "Mise en demeure" in str(m["Subject"])]) == 1


def test_a_letter_posted_before_the_creditors_copy_failed_is_not_posted_again(desk: Desk, outbox: OutboxPost) -> None:
    case_id = open_case(desk)
    for day in (4, 11):
        desk.tick_at(march(day))
    res = desk.resources
    throttled = ThrottledMailer(desk.mailer)
    local = Resources(res.settings, store=res.store, mailer=throttled, clock=desk.clock, poster=outbox)
    desk.clock.now = march(18)
    assert run_due_cases(local)["failed"] == 1
    (posted,) = outbox.envelopes()  # the provider took it; the copy to the creditor did not go
    assert len(desk.case(case_id)["timeline"]) == 3

    throttled.recovered = True
    desk.clock.now = march(18, 8, 20)  # the retry draws the same letter, the same digest
    assert run_due_cases(local)["sent"] == 1
    assert outbox.envelopes() == [posted] and len(list(outbox.folder.glob("*.pdf"))) == 1
    message = notice_of(desk, case_id)["message"]
    assert message["sha256"] == posted["sha256"] and message["posting"]["reference"] == posted["reference"]
    assert message["posting"]["accepted_at"] == "2026-03-18T08:00:00Z"  # the first posting's moment
