"""The debtor's HTML page of a case: the e-mailed link opens it in a browser; its forms work without script,
carry a CSRF token, are applied once, and show their errors beside their fields."""

from __future__ import annotations

import io
import re
import threading
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from functions.core.clock import FixedClock
from functions.core.domain.reports import DisputeReason
from functions.core.store import Store
from functions.core.store.items import ConditionFailed, ItemBackend, Put
from functions.core.usecases.recovery.debtor import case_token, contest
from tests.faults import FaultyBackend
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload

HTML = {"Accept": "text/html"}
CREDITOR = "compta@menuiserie-durand.fr"
CONTEST = {"reason": DisputeReason.OTHER, "text": "Cette facture a été annulée par avoir."}
LINK = re.compile(r"https?://[^\s]*/debtor-cases/(ard_dos_[A-Za-z0-9_-]+)")


@pytest.fixture
def case_id(desk: Desk, tmp_path: Path, monkeypatch: Any) -> str:
    monkeypatch.chdir(tmp_path)  # evidence goes to var/evidence under the test's folder
    body = case_payload(payment_details="IBAN FR76 3000 6000 0112 <b>3456</b>")
    response = desk.api.post("/cases", json=body, headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


@pytest.fixture
def token(desk: Desk, case_id: str) -> str:
    return case_token(desk.resources, case_id)


def page(desk: Desk, token: str, query: str = "") -> tuple[str, dict[str, str]]:
    """The page's HTML and its forms' hidden fields (the CSRF token, a one-time token)."""
    response = desk.api.get(f"/debtor-cases/{token}{query}", headers=HTML)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', html)
    once = re.search(r'name="idempotence" value="([^"]+)"', html)
    return html, {"csrf": csrf.group(1) if csrf else "", "idempotence": once.group(1) if once else ""}


def post(desk: Desk, token: str, form: str, data: dict[str, Any], hidden: dict[str, str]) -> Any:
    return desk.api.post(
        f"/debtor-cases/{token}/formulaires/{form}",
        data={**hidden, **data},
        headers=HTML,
        content_type="multipart/form-data",
    )


def test_the_emailed_link_opens_the_page_for_a_person_and_the_json_for_a_program(
    desk: Desk, case_id: str, token: str
) -> None:
    desk.tick_at(datetime(2026, 3, 4, 8, tzinfo=UTC))
    (reminder,) = desk.mails_to("comptabilite@sge.fr")
    link = LINK.search(reminder.get_content())
    assert link is not None and link.group(1) == token
    response = desk.api.get(f"/debtor-cases/{token}", headers=HTML)
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src 'nonce-" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    for shown in ("F-2026-0117", "30 janvier 2026", "1er mars 2026", "2\u202f400,00", "Menuiserie Durand SARL"):
        assert shown in html
    assert "https://www.economie.gouv.fr/mediateur-des-entreprises" in html
    assert "Relance courtoise" in html
    assert desk.api.get(f"/debtor-cases/{token}").json["invoice"]["number"] == "F-2026-0117"


def test_the_creditors_text_is_escaped(desk: Desk, token: str) -> None:
    html, _ = page(desk, token)
    assert "<b>3456</b>" not in html and "&lt;b&gt;3456&lt;/b&gt;" in html


def test_a_payment_declared_by_the_form_with_its_proof_reaches_the_creditor(
    desk: Desk, case_id: str, token: str
) -> None:
    _, hidden = page(desk, token)
    proof = b"%PDF-1.4 virement VIR-0412"
    sent = post(
        desk,
        token,
        "paiement",
        {
            "paid_on": "2026-03-02",
            "amount_cents": "2 400,00",
            "text": "VIR-0412",
            "evidence": (io.BytesIO(proof), "v.pdf"),
        },
        hidden,
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)
    assert sent.headers["Location"].endswith(f"/debtor-cases/{token}?fait=paiement#paiement")
    html, _ = page(desk, token, "?fait=paiement")
    assert "Votre déclaration de paiement est enregistrée" in html
    event = desk.case(case_id)["timeline"][-1]
    assert (event["kind"], event["amount_cents"], event["evidence"]["filename"]) == (
        "payment_declared",
        2_400_00,
        "v.pdf",
    )
    assert "déclare avoir payé" in str(desk.mails_to(CREDITOR)[-1]["Subject"])


def test_a_form_sent_twice_is_applied_once(desk: Desk, case_id: str, token: str) -> None:
    _, hidden = page(desk, token)
    data = {"reason": "other", "text": "Cette facture a été annulée par avoir."}
    first = post(desk, token, "contestation", data, hidden)
    again = post(desk, token, "contestation", data, hidden)
    assert (first.status_code, again.status_code) == (303, 303)
    kinds = [e["kind"] for e in desk.case(case_id)["timeline"]]
    assert kinds.count("contested") == 1
    html, _ = page(desk, token)
    assert "contesté par le débiteur" in html and "Envoyer ma contestation" not in html


def test_a_form_without_its_csrf_token_is_refused(desk: Desk, case_id: str, token: str) -> None:
    page(desk, token)
    refused = post(desk, token, "contestation", {"reason": "other", "text": "Une contestation."}, {"csrf": "faux"})
    assert refused.status_code == 403
    assert desk.case(case_id)["status"] == "running"


def test_payment_errors_stand_beside_their_fields_in_french(desk: Desk, token: str) -> None:
    _, hidden = page(desk, token)
    refused = post(desk, token, "paiement", {"paid_on": "2026-03-02", "amount_cents": "deux mille"}, hidden)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="erreur-amount_cents"' in html and "Montant non reconnu" in html
    assert 'value="deux mille"' in html
    too_much = post(desk, token, "paiement", {"paid_on": "2026-03-02", "amount_cents": "3 000"}, page(desk, token)[1])
    assert too_much.status_code == 422 and "dépasse le reste dû" in too_much.get_data(as_text=True)


def stored_proofs(desk: Desk, case_id: str) -> tuple[list[str], list[Path]]:
    """The proofs declared on the case (in the store) and the files under its folder (var/evidence)."""
    case = desk.resources.store.cases.get_case(case_id)
    assert case is not None
    folder = Path("var/evidence") / case_id
    return [e.id for e in desk.resources.store.cases.list_evidence(case)], sorted(folder.rglob("*"))


@pytest.mark.parametrize(
    ("typed", "proof", "refused_field"),
    [
        ({"paid_on": "2026-03-02", "amount_cents": "3 000"}, b"%PDF-1.4 virement", "amount_cents"),
        ({"paid_on": "2026-12-31", "amount_cents": "2 400"}, b"%PDF-1.4 virement", "paid_on"),
        ({"paid_on": "2026-03-02", "amount_cents": "deux mille"}, b"%PDF-1.4 virement", "amount_cents"),
        ({"paid_on": "2026-03-02", "amount_cents": "2 400"}, b"pas un PDF", "evidence"),
    ],
    ids=["more-than-owed", "paid-in-the-future", "amount-not-understood", "file-unlike-a-pdf"],
)
def test_a_refused_payment_form_keeps_none_of_its_file(  # noqa: PLR0917 - pytest injects fixtures by position
    desk: Desk, case_id: str, token: str, typed: dict[str, str], proof: bytes, refused_field: str
) -> None:
    refused = post(desk, token, "paiement", {**typed, "evidence": (io.BytesIO(proof), "v.pdf")}, page(desk, token)[1])
    assert refused.status_code == 422
    assert f'id="erreur-{refused_field}"' in refused.get_data(as_text=True)
    assert stored_proofs(desk, case_id) == ([], [])
    assert desk.case(case_id)["status"] == "running"
    # Corrected, the same form is taken with its file, the only one the case keeps.
    fixed = {"paid_on": "2026-03-02", "amount_cents": "2 400", "evidence": (io.BytesIO(b"%PDF-1.4 v"), "v.pdf")}
    assert post(desk, token, "paiement", fixed, page(desk, token)[1]).status_code == 303
    declared, files = stored_proofs(desk, case_id)
    assert len(declared) == 1 and [f.name for f in files] == declared


def test_a_schedule_proposed_by_the_form_and_its_errors(desk: Desk, case_id: str, token: str) -> None:
    _, hidden = page(desk, token)
    wrong = {
        "instalments.0.due_on": "2026-04-15",
        "instalments.0.amount_cents": "1 200",
        "instalments.1.due_on": "2026-03-15",
        "instalments.1.amount_cents": "1 000",
    }
    refused = post(desk, token, "echeancier", wrong, hidden)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="erreur-instalments-1-due_on"' in html and "Chaque échéance tombe après la précédente." in html
    assert "totaliser exactement le reste dû" in html
    right = {
        "instalments.0.due_on": "2026-03-15",
        "instalments.0.amount_cents": "1 200",
        "instalments.2.due_on": "2026-04-15",
        "instalments.2.amount_cents": "1 200,00",
    }
    sent = post(desk, token, "echeancier", right, page(desk, token)[1])
    assert sent.status_code == 303
    case = desk.case(case_id)
    assert case["schedule"] == {
        "status": "proposed",
        "instalments": [
            {"due_on": "2026-03-15", "amount_cents": 1_200_00},
            {"due_on": "2026-04-15", "amount_cents": 1_200_00},
        ],
    }
    html, _ = page(desk, token)
    assert "Échéancier proposé" in html and "15 mars 2026" in html and "Proposer l'échéancier" not in html


def test_a_form_from_a_program_gets_the_problem(desk: Desk, token: str) -> None:
    _, hidden = page(desk, token)
    refused = desk.api.post(
        f"/debtor-cases/{token}/formulaires/contestation",
        data={**hidden, "reason": "nope", "text": "court"},
        headers={"Accept": "application/problem+json"},
    )
    assert refused.status_code == 422 and refused.json["errors"]
    assert desk.api.post(f"/debtor-cases/{token}/formulaires/contestation", json={}).status_code == 415


def test_on_an_unpaid_case_the_schedule_form_no_longer_promises_to_pause_reminders(
    desk: Desk, case_id: str, token: str
) -> None:
    running, _ = page(desk, token)
    assert "les relances sont suspendues tant que chaque échéance est payée" in running
    for day in (4, 11, 18, 27):  # the default scenario's steps, then its end
        desk.tick_at(datetime(2026, 3, day, 8, tzinfo=UTC))
    assert desk.case(case_id)["status"] == "unpaid"
    html, _ = page(desk, token)
    assert "Proposer un échéancier" in html
    assert "Les relances sont terminées" in html
    assert "les relances sont suspendues tant que" not in html


def declaring(writes: Any, *args: Any, **kwargs: Any) -> bool:
    """A ``matches`` predicate for ``transact``: the transaction saves a declared payment."""
    return any(
        isinstance(w, Put) and w.item.pk.startswith("AUDIT#") and w.item.data.get("action") == "case.payment_declared"
        for w in writes
    )


class TestACaseChangedWhileItsFormWasSent:
    """The form's checks pass, then another request changes the case before the declaration is saved."""

    @pytest.fixture
    def faulty(self, backend: ItemBackend) -> FaultyBackend:
        return FaultyBackend(backend)

    @pytest.fixture
    def store(self, faulty: FaultyBackend, clock: FixedClock) -> Store:
        return Store(faulty, clock)

    def test_the_refused_declaration_forgets_the_file_it_kept(
        self, desk: Desk, case_id: str, token: str, faulty: FaultyBackend
    ) -> None:
        def contested_meanwhile() -> BaseException:
            # Another request (its own thread and context) contests first; this one's save loses the race.
            other = threading.Thread(target=contest, args=(desk.resources, token), kwargs=CONTEST)
            other.start()
            other.join()
            return ConditionFailed("the case changed")

        race = faulty.fail("transact", matches=declaring, error=contested_meanwhile)
        form = {"paid_on": "2026-03-02", "amount_cents": "2 400", "evidence": (io.BytesIO(b"%PDF-1.4 v"), "v.pdf")}
        refused = post(desk, token, "paiement", form, page(desk, token)[1])
        assert race.fired == 1
        assert refused.status_code == 409 and "contesté" in refused.get_data(as_text=True)
        assert stored_proofs(desk, case_id) == ([], [])
        assert [e["kind"] for e in desk.case(case_id)["timeline"]][-1] == "contested"


def test_after_a_partial_payment_the_page_shows_each_periods_penalties_on_its_balance(
    desk: Desk, case_id: str, token: str
) -> None:
    before, _ = page(desk, token)
    assert "sur le reste dû après chaque paiement" not in before
    desk.clock.now = datetime(2026, 3, 11, 9, tzinfo=UTC)
    recorded = desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 400_00, "paid_on": "2026-03-06"}, headers=desk.member
    )
    assert recorded.status_code == 200, recorded.json
    html, _ = page(desk, token)
    plain = unescape(html).replace("\u202f", " ").replace("\u00a0", " ")
    # To 11 Mar at 12.15 %: 5 days on 2 400,00 (3,99 EUR), then 5 days on 2 000,00 (3,33 EUR).
    assert "7,32 €, sur le reste dû après chaque paiement" in plain
    assert "du 02/03/2026 au 06/03/2026 : 5 jours à 12,15 % l'an sur 2 400,00 €, soit 3,99 €" in plain
    assert "du 07/03/2026 au 11/03/2026 : 5 jours à 12,15 % l'an sur 2 000,00 €, soit 3,33 €" in plain
    # A program reads the same periods from the JSON.
    periods = desk.api.get(f"/debtor-cases/{token}").json["interest_periods"]
    assert [(p["start"], p["end"], p["cents"], p["base_cents"]) for p in periods] == [
        ("2026-03-02", "2026-03-06", 3_99, 2_400_00),
        ("2026-03-07", "2026-03-11", 3_33, 2_000_00),
    ]
