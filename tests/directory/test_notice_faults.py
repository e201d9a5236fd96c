"""One notice per report: store and mailer faults around claiming and sending never make a second, different one.

Each scenario files a report through the HTTP API with a fault armed, then
lets the tick recover over the following days. Whatever failed, the debtor's
mails are one notice, possibly followed by copies of it that say so: the same
private link, the same publication date, the same date of the notice.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from flask.testing import FlaskClient
from pypdf import PdfReader

from functions.core.clock import FixedClock
from functions.core.config import Settings
from functions.core.domain.reports import ReportStatus
from functions.core.mailer import Message, OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.items import ItemBackend, Put
from functions.directory.app import create_app
from functions.local.tick import run_local_tick
from tests.conftest import START
from tests.directory.conftest import REPLY_TOKEN, register
from tests.directory.factories import DEBTOR_SIREN, filing_payload
from tests.directory.proof import file_report
from tests.faults import FaultyBackend, InjectedFault, When

DEBTOR = "comptabilite@sge.fr"
PUBLICATION = re.compile(r"publié sur l'annuaire public le ([^.]+)\.")


def committing(action: str) -> Callable[..., bool]:
    """A ``matches`` predicate for ``transact``: the transaction records an audit event of ``action``."""

    def matches(writes: Any, *args: Any, **kwargs: Any) -> bool:
        return any(
            isinstance(w, Put) and w.item.pk.startswith("AUDIT#") and w.item.data.get("action") == action
            for w in writes
        )

    return matches


class FaultyMailer:
    """An outbox whose chosen sendings fail before the message leaves, or after (its answer lost)."""

    def __init__(self, inner: OutboxMailer) -> None:
        self.inner = inner
        self.failing: dict[int, str] = {}
        self.calls = 0
        self.on_sent: Callable[[], None] | None = None

    def send(self, message: Message) -> str:
        self.calls += 1
        when = self.failing.get(self.calls)
        if when == "before":
            raise InjectedFault("mailer refused the message")
        sent = self.inner.send(message)
        if self.on_sent is not None:
            self.on_sent()
            self.on_sent = None
        if when == "after":
            raise InjectedFault("mailer's answer lost")
        return sent


@dataclass
class Rig:
    api: FlaskClient
    member: dict[str, str]
    faulty: FaultyBackend
    mailer: FaultyMailer
    outbox: OutboxMailer
    clock: FixedClock
    resources: Resources


@pytest.fixture
def rig(backend: ItemBackend, settings: Settings, mailer: OutboxMailer) -> Iterator[Rig]:
    clock = FixedClock(START)
    faulty = FaultyBackend(backend)
    faulty_mailer = FaultyMailer(mailer)
    resources = Resources(settings, store=Store(faulty, clock), mailer=faulty_mailer, clock=clock)
    app = create_app(settings=settings, store=resources.store, mailer=faulty_mailer, clock=clock)
    app.config["TESTING"] = True
    api = app.test_client()
    member = {"Authorization": register(api, mailer)}
    faulty_mailer.calls = 0
    yield Rig(api, member, faulty, faulty_mailer, mailer, clock, resources)


def _claim_refused(rig: Rig, calls: set[int]) -> None:
    rig.faulty.fail("transact", when="before", calls=calls, matches=committing("report.notice_claimed"))


def _claim_answer_lost(rig: Rig) -> None:
    rig.faulty.fail("transact", when="after", matches=committing("report.notice_claimed"))


def _confirmation(rig: Rig, when: When, calls: set[int]) -> None:
    rig.faulty.fail("transact", when=when, calls=calls, matches=committing("report.notified"))


def _reread_fails(rig: Rig) -> None:
    # Once the notice is out, the store fails the next read (the confirmation's): nothing says it went.
    rig.mailer.on_sent = lambda: rig.faulty.fail("get", when="before")


def _mailer(rig: Rig, when: str) -> None:
    rig.mailer.failing = {1: when}


# name -> (arm the faults, how many mails the debtor gets, which of them are copies)
SCENARIOS: dict[str, tuple[Callable[[Rig], None], int, list[bool]]] = {
    "claim-refused": (lambda rig: _claim_refused(rig, {1}), 1, [False]),
    "claim-refused-by-the-first-tick-too": (lambda rig: _claim_refused(rig, {1, 2}), 1, [False]),
    "claim-committed-answer-lost": (_claim_answer_lost, 1, [False]),
    "confirmation-refused": (lambda rig: _confirmation(rig, "before", {1}), 2, [False, True]),
    "confirmation-refused-twice": (lambda rig: _confirmation(rig, "before", {1, 2}), 3, [False, True, True]),
    "confirmation-committed-answer-lost": (lambda rig: _confirmation(rig, "after", {1}), 1, [False]),
    "read-before-confirmation-fails": (_reread_fails, 2, [False, True]),
    "mailer-refuses": (lambda rig: _mailer(rig, "before"), 1, [True]),
    "mailer-sends-then-fails": (lambda rig: _mailer(rig, "after"), 2, [False, True]),
}


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def _tick_days(rig: Rig, days: int) -> None:
    for _ in range(days):
        rig.clock.advance(days=1)
        run_local_tick(rig.resources)


def _notices(outbox: OutboxMailer, to: str) -> list[tuple[str, str]]:
    return [(str(m["Subject"]), m.get_body(("plain",)).get_content()) for m in outbox.messages() if m["To"] == to]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_debtor_gets_one_notice_and_only_copies_of_it_whatever_fails(rig: Rig, scenario: str) -> None:
    arm, count, copies = SCENARIOS[scenario]
    arm(rig)
    filed = file_report(rig.api, rig.member, filing_payload())
    assert filed.status_code == 201, filed.json
    _tick_days(rig, 3)

    notices = _notices(rig.outbox, DEBTOR)
    assert len(notices) == count, [subject for subject, _ in notices]
    assert [subject.startswith("Copie de l'avis du ") for subject, _ in notices] == copies
    tokens = {token for _, text in notices for token in REPLY_TOKEN.findall(text)}
    assert len(tokens) == 1
    assert len({match.group(1) for _, text in notices if (match := PUBLICATION.search(text))}) == 1
    assert all(PUBLICATION.search(text) for _, text in notices)
    for subject, text in notices:
        if subject.startswith("Copie"):
            assert text.startswith("Copie de l'avis du ")
    [report] = rig.resources.store.reports.list_for_debtor(DEBTOR_SIREN)
    assert report.status is ReportStatus.NOTIFIED and report.notice is not None
    assert report.publish_after == report.notice.dated_at + timedelta(days=rig.resources.settings.grace_days)
    assert report.notified_at == report.notice.dated_at
    rig.faulty.clear()
    page = rig.api.get(f"/replies/{tokens.pop()}")
    assert page.status_code == 200
    assert page.json["publish_after"] == report.publish_after.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("scenario", ["confirmation-refused", "mailer-sends-then-fails"])
def test_the_first_notice_states_the_publication_date_its_copies_repeat(rig: Rig, scenario: str) -> None:
    SCENARIOS[scenario][0](rig)
    assert file_report(rig.api, rig.member, filing_payload()).status_code == 201
    _tick_days(rig, 3)
    original, copy = _notices(rig.outbox, DEBTOR)
    # Filed on 2 March 2026: 15 days of grace, whenever the copy goes out.
    assert "publié sur l'annuaire public le 17 mars 2026." in original[1]
    assert "publié sur l'annuaire public le 17 mars 2026." in copy[1]
    assert copy[0].startswith("Copie de l'avis du 2 mars 2026")
    assert copy[1].startswith("Copie de l'avis du 2 mars 2026 : ")
    assert REPLY_TOKEN.findall(original[1]) == REPLY_TOKEN.findall(copy[1])


def test_a_letter_sent_again_is_a_copy_of_the_same_letter(rig: Rig) -> None:
    letters_to = rig.resources.settings.letters_to
    _confirmation(rig, "before", {1})
    payload = filing_payload(debtor_email=None, postal_address="Société Générale d'Équipement\n69001 Lyon")
    assert file_report(rig.api, rig.member, payload).status_code == 201
    _tick_days(rig, 2)
    original, copy = [m for m in rig.outbox.messages() if m["To"] == letters_to]
    assert str(original["Subject"]) == "Courrier à poster : l'avis du 2 mars 2026 (SIREN 552100554)"
    assert str(copy["Subject"]) == "Courrier à poster : copie de l'avis du 2 mars 2026 (SIREN 552100554)"
    # The copy's letter gives the same short code (hence the same page) as the first one.
    letters = [next(m.iter_attachments()).get_content() for m in (original, copy)]
    codes = [set(re.findall(r"\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b", _pdf_text(pdf))) for pdf in letters]
    assert len(codes[0]) == 1 and codes[0] == codes[1]
    assert "Copie de l'avis du 2 mars 2026" in _pdf_text(letters[1])
    assert "peut-être déjà" in copy.get_body(("plain",)).get_content()
    [report] = rig.resources.store.reports.list_for_debtor(DEBTOR_SIREN)
    assert report.status is ReportStatus.NOTIFIED
