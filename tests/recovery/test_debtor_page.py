"""The debtor's private page of a case: every message links to it; contesting or declaring a payment stops reminders."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from functions.core.usecases.recovery.debtor import case_token
from tests.recovery.conftest import Desk
from tests.recovery.factories import case_payload

DEBTOR, CREDITOR = "comptabilite@sge.fr", "compta@menuiserie-durand.fr"
LINK = re.compile(r"/debtor-cases/(ard_dos_[A-Za-z0-9_-]+)")


@pytest.fixture
def case_id(desk: Desk) -> str:
    body = case_payload(payment_details="IBAN FR76 3000 6000 0112 3456 7890 189 — BIC AGRIFRPP")
    response = desk.api.post("/cases", json=body, headers=desk.member)
    assert response.status_code == 201, response.json
    return str(response.json["id"])


@pytest.fixture
def token(desk: Desk, case_id: str) -> str:
    """The link of the first reminder, read from the debtor's e-mail."""
    desk.tick_at(datetime(2026, 3, 4, 8, tzinfo=UTC))
    (reminder,) = desk.mails_to(DEBTOR)
    found = LINK.findall(reminder.get_content())
    assert found and found[0] == case_token(desk.resources, case_id)
    return str(found[0])


def test_the_page_shows_the_invoice_what_is_owed_today_and_how_to_pay(desk: Desk, token: str) -> None:
    desk.clock.now = datetime(2026, 3, 10, 9, tzinfo=UTC)
    page = desk.api.get(f"/debtor-cases/{token}")
    assert page.status_code == 200, page.json
    assert page.headers["Cache-Control"] == "no-store"
    body = page.json
    assert (body["creditor_name"], body["invoice"]["number"], body["outstanding_cents"]) == (
        "Menuiserie Durand SARL",
        "F-2026-0117",
        2_400_00,
    )
    # 2,400 EUR at 12.15 % for the 9 days since the due date: 7.19 EUR, and the 40 EUR indemnity.
    assert (body["interest_cents"], body["indemnity_cents"]) == (7_19, 40_00)
    assert body["payment_details"].startswith("IBAN FR76")
    assert body["actions"] == ["contest", "declare_payment", "propose_schedule"]
    assert "Médiateur des entreprises" in body["mediator"]
    assert [m["step_name"] for m in body["messages"]] == ["Relance courtoise"]


@pytest.mark.parametrize("forged", ["ard_dos_0123456789abcdef" + "A" * 43, "ard_rep_x", "ard_dos_"])
def test_a_forged_link_is_a_404(desk: Desk, token: str, forged: str) -> None:
    assert desk.api.get(f"/debtor-cases/{forged}").status_code == 404
    assert desk.api.get(f"/debtor-cases/{token[:-1]}").status_code == 404


def test_contesting_stops_the_scenario_and_tells_the_creditor(desk: Desk, case_id: str, token: str) -> None:
    text = "Les menuiseries livrées ne correspondent pas au devis signé."
    contested = desk.api.post(f"/debtor-cases/{token}/contest", json={"reason": "service_not_delivered", "text": text})
    assert contested.status_code == 200, contested.json
    assert (contested.json["status"], contested.json["actions"]) == ("contested", [])
    told = desk.mails_to(CREDITOR)[-1]
    assert "conteste" in str(told["Subject"]) and text in told.get_content()
    case = desk.case(case_id)
    assert case["next_action"] is None
    assert (case["timeline"][-1]["kind"], case["timeline"][-1]["text"]) == ("contested", text)
    for day in (11, 18, 27):
        assert desk.tick_at(datetime(2026, 3, day, 8, tzinfo=UTC))["sent"] == 0
    assert len(desk.mails_to(DEBTOR)) == 1
    again = desk.api.post(f"/debtor-cases/{token}/contest", json={"reason": "other", "text": "Une seconde fois."})
    assert again.status_code == 409


def test_a_declared_payment_pauses_reminders_until_the_creditor_resumes_them(
    desk: Desk, case_id: str, token: str
) -> None:
    declared = desk.api.post(
        f"/debtor-cases/{token}/payment",
        json={"amount_cents": 2_400_00, "paid_on": "2026-03-04", "text": "Virement VIR-0412"},
    )
    assert declared.json["status"] == "payment_declared"
    told = desk.mails_to(CREDITOR)[-1]
    assert "déclare avoir payé" in str(told["Subject"])
    # The creditor records the payment or resumes from its space's page of the case.
    assert f"{desk.resources.settings.base_url}/espace/dossiers/{case_id}\n" in told.get_content()
    assert desk.tick_at(datetime(2026, 3, 11, 8, tzinfo=UTC))["sent"] == 0
    resumed = desk.api.post(f"/cases/{case_id}/resume", headers=desk.member)
    assert resumed.json["status"] == "running"
    assert [e["kind"] for e in resumed.json["timeline"]][-2:] == ["payment_declared", "resumed"]
    # The firm reminder was due on 11 March: it goes at the next tick.
    assert desk.tick_at(datetime(2026, 3, 12, 8, tzinfo=UTC))["sent"] == 1


def test_a_declared_payment_the_creditor_records_closes_the_case(desk: Desk, case_id: str, token: str) -> None:
    desk.api.post(f"/debtor-cases/{token}/payment", json={"amount_cents": 2_400_00, "paid_on": "2026-03-04"})
    recorded = desk.api.post(
        f"/cases/{case_id}/payments", json={"amount_cents": 2_400_00, "paid_on": "2026-03-04"}, headers=desk.member
    )
    assert (recorded.json["status"], recorded.json["next_action"]) == ("paid", None)
    assert desk.api.get(f"/debtor-cases/{token}").json["actions"] == []


def test_a_declared_payment_must_fit(desk: Desk, token: str) -> None:
    refused = desk.api.post(f"/debtor-cases/{token}/payment", json={"amount_cents": 2_500_00, "paid_on": "2026-03-05"})
    assert refused.status_code == 422
    assert {e["code"] for e in refused.json["errors"]} == {
        "paiement_superieur_au_reste_du",
        "date_de_paiement_invalide",
    }


def test_only_a_declared_payment_can_be_resumed(desk: Desk, case_id: str) -> None:
    assert desk.api.post(f"/cases/{case_id}/resume", headers=desk.member).status_code == 409
