"""POST /reports refuses a report that fails a rule: 422, each failed rule with its stable code."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.directory.factories import CREDITOR_SIREN, filing_payload
from tests.directory.proof import file_report, with_documents
from tests.store_state import stored_state

# (rule code, offending field, what to change in a valid filing) — clock: 2 March 2026.
RULES: list[tuple[str, str, dict[str, Any]]] = [
    ("siren_debiteur_invalide", "debtor.siren", {"debtor_siren": "552100555"}),
    ("siren_debiteur_invalide", "debtor.siren", {"debtor_siren": "Mme Dupont"}),
    ("creancier_egal_debiteur", "debtor.siren", {"debtor_siren": CREDITOR_SIREN}),
    ("creancier_non_membre", "creditor_siren", {"creditor_siren": "542065479"}),
    ("debiteur_injoignable", "debtor", {"debtor_email": None, "postal_address": ""}),
    ("facture_future", "invoice.issue_date", {"issue_date": "2026-03-10", "due_date": "2026-04-10"}),
    ("echeance_avant_facture", "invoice.due_date", {"issue_date": "2025-12-20", "due_date": "2025-12-10"}),
    ("facture_non_echue", "invoice.due_date", {"due_date": "2026-03-02"}),
    ("montant_insuffisant", "invoice.outstanding_cents", {"outstanding_cents": 99_99}),
    ("reste_du_superieur_au_montant", "invoice.outstanding_cents", {"outstanding_cents": 1_300_00}),
    ("mise_en_demeure_manquante", "amicable_steps.notice_date", {"notice_date": None, "notice_channel": None}),
    ("canal_mise_en_demeure_manquant", "amicable_steps.notice_channel", {"notice_channel": None}),
    ("mise_en_demeure_avant_echeance", "amicable_steps.notice_date", {"notice_date": "2025-12-20"}),
    ("mise_en_demeure_trop_recente", "amicable_steps.notice_date", {"notice_date": "2026-02-23"}),
    ("relance_manquante", "amicable_steps.reminder_dates", {"reminder_dates": ()}),
    ("relance_manquante", "amicable_steps.reminder_dates", {"reminder_dates": ("2025-12-15",)}),
    ("relance_manquante", "amicable_steps.reminder_dates", {"reminder_dates": ("2026-02-01",)}),
    # Dates out of their window (today: 2 March 2026; invoices 5 years back at most).
    ("facture_trop_ancienne", "invoice.issue_date", {"issue_date": "2021-03-01", "due_date": "2021-03-31"}),
    ("facture_trop_ancienne", "invoice.issue_date", {"issue_date": "0001-01-01", "due_date": "0001-01-31"}),
    ("facture_future", "invoice.issue_date", {"issue_date": "9999-12-31", "due_date": "9999-12-31"}),
    ("facture_non_echue", "invoice.due_date", {"due_date": "9999-12-31"}),
    ("mise_en_demeure_future", "amicable_steps.notice_date", {"notice_date": "9999-12-31"}),
    ("mise_en_demeure_future", "amicable_steps.notice_date", {"notice_date": "2026-03-03"}),
    ("relance_hors_periode", "amicable_steps.reminder_dates.1", {"reminder_dates": ("2026-01-10", "9999-12-31")}),
    ("relance_hors_periode", "amicable_steps.reminder_dates.0", {"reminder_dates": ("0001-01-01", "2026-01-20")}),
]


@pytest.mark.parametrize(("code", "field", "change"), RULES, ids=[f"{r[0]}-{n}" for n, r in enumerate(RULES)])
def test_a_report_failing_a_rule_is_refused_with_its_code(
    directory: FlaskClient, member: dict[str, str], code: str, field: str, change: dict[str, Any]
) -> None:
    response = file_report(directory, member, filing_payload(**change))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["type"] == "https://ardoise.fr/problemes/regle-non-respectee"
    assert (field, code) in [(e["field"], e["code"]) for e in response.json["errors"]]
    assert all(e["message"] for e in response.json["errors"])


def test_every_failed_rule_is_listed_at_once(directory: FlaskClient, member: dict[str, str]) -> None:
    payload = filing_payload(
        due_date="2026-04-30", outstanding_cents=50_00, notice_date="2026-02-28", reminder_dates=()
    )
    response = file_report(directory, member, payload)
    codes = {e["code"] for e in response.json["errors"]}
    assert codes == {
        "facture_non_echue",
        "montant_insuffisant",
        "mise_en_demeure_avant_echeance",
        "mise_en_demeure_trop_recente",
        "relance_manquante",
    }


def test_the_too_recent_notice_message_says_when_the_report_becomes_acceptable(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    response = file_report(directory, member, filing_payload(notice_date="2026-02-25"))
    message = next(e["message"] for e in response.json["errors"] if e["code"] == "mise_en_demeure_trop_recente")
    assert "05/03/2026" in message


def test_a_report_exactly_eight_days_after_the_notice_is_accepted(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    response = file_report(directory, member, filing_payload(notice_date="2026-02-22"))
    assert response.status_code == 201, response.json


def test_a_refused_report_leaves_nothing_behind(directory: FlaskClient, member: dict[str, str], resources: Any) -> None:
    file_report(directory, member, filing_payload(notice_date=None, notice_channel=None))
    assert resources.store.reports.list_for_debtor("552100554") == []
    assert resources.store.reports.get_aggregate("552100554") is None


def test_malformed_input_is_a_400_not_a_rule(directory: FlaskClient, member: dict[str, str]) -> None:
    payload = filing_payload()
    payload["invoice"]["due_date"] = "31/12/2025"
    response = file_report(directory, member, payload)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "invoice.due_date"


def test_filing_needs_a_member_token(directory: FlaskClient) -> None:
    response = directory.post("/reports", json=filing_payload())
    assert response.status_code == 401
    response = file_report(directory, {"Authorization": "Bearer ard_mbr_forged"}, filing_payload())
    assert response.status_code == 401


def test_an_invalid_debtor_siren_does_not_hide_the_other_failed_rules(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    payload = filing_payload(debtor_siren="552100555", debtor_email=None, postal_address="", notice_channel=None)
    response = file_report(directory, member, payload)
    assert response.status_code == 422
    assert {(e["field"], e["code"]) for e in response.json["errors"]} == {
        ("debtor.siren", "siren_debiteur_invalide"),
        ("debtor", "debiteur_injoignable"),
        ("amicable_steps.notice_channel", "canal_mise_en_demeure_manquant"),
    }


def test_an_invoice_exactly_five_years_old_may_still_be_reported(
    directory: FlaskClient, member: dict[str, str]
) -> None:
    payload = filing_payload(issue_date="2021-03-02", due_date="2021-04-01")
    assert file_report(directory, member, payload).status_code == 201


def test_absurd_dates_are_refused_before_any_penalty_is_computed_and_leave_nothing_behind(
    directory: FlaskClient, member: dict[str, str], resources: Any, mailer: Any
) -> None:
    # Accepted once: its notice claimed 507,103.55 EUR of penalties on 2,500 EUR.
    payload = filing_payload(
        issue_date="0001-01-01", due_date="0001-01-02", amount_cents=2_500_00, outstanding_cents=2_500_00
    )
    body = with_documents(directory, member, payload)
    before, mails = stored_state(resources.store.backend), len(mailer.messages())
    response = directory.post("/reports", json=body, headers=member)
    assert response.status_code == 422
    assert "facture_trop_ancienne" in [e["code"] for e in response.json["errors"]]
    assert stored_state(resources.store.backend) == before
    assert len(mailer.messages()) == mails


@pytest.mark.parametrize("paid_on", ["9999-12-31", "0001-01-01"])
def test_a_payment_dated_outside_the_invoice_life_is_refused(
    directory: FlaskClient, member: dict[str, str], paid_on: str
) -> None:
    report_id = file_report(directory, member, filing_payload()).json["id"]
    response = directory.post(
        f"/reports/{report_id}/payments", json={"amount_cents": 100_00, "paid_on": paid_on}, headers=member
    )
    assert response.status_code == 422
    assert [e["code"] for e in response.json["errors"]] == ["date_de_paiement_invalide"]
    assert directory.get(f"/reports/{report_id}", headers=member).json["payments"] == []
