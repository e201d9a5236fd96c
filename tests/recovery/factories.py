"""Keyword-only factories for the recovery tests: a case on an invoice due the day before the suite's clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from functions.core.domain import recovery
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.reports import Invoice, Party
from functions.core.domain.scenarios import DEFAULT_SCENARIO, Scenario
from tests.directory.factories import CREDITOR_NAME, CREDITOR_SIREN, DEBTOR_NAME, DEBTOR_SIREN

# The suite's clock stands on Monday 2 March 2026, 9:00 UTC; the invoice fell due on the Sunday.
OPENED_AT = datetime(2026, 3, 2, 9, tzinfo=UTC)
DUE_DATE = date(2026, 3, 1)


def make_case(
    *,
    id: str = "case_0001",
    member_id: str = "mbr_test",
    number: str = "F-2026-0117",
    issue_date: date = date(2026, 1, 30),
    due_date: date = DUE_DATE,
    amount_cents: int = 2_400_00,
    outstanding_cents: int | None = None,
    scenario: Scenario = DEFAULT_SCENARIO,
    phone: str = "+33612345678",
    opened_at: datetime = OPENED_AT,
) -> RecoveryCase:
    """A case just opened for an unpaid invoice, the default scenario running."""
    return recovery.opened(
        id=id,
        member_id=member_id,
        creditor=Party(siren=CREDITOR_SIREN, name=CREDITOR_NAME, email="compta@menuiserie-durand.fr"),
        debtor=Party(
            siren=DEBTOR_SIREN,
            name=DEBTOR_NAME,
            email="comptabilite@sge.fr",
            postal_address="12 rue de la Paix, 75002 Paris",
        ),
        debtor_phone=phone,
        invoice=Invoice(number, issue_date, due_date, amount_cents),
        outstanding_cents=amount_cents if outstanding_cents is None else outstanding_cents,
        scenario=scenario,
        description="Escalier en chêne posé en janvier.",
        now=opened_at,
        actor=f"member:{member_id}",
    )


def case_payload(
    *,
    debtor_siren: str = DEBTOR_SIREN,
    debtor_name: str = DEBTOR_NAME,
    email: str | None = "comptabilite@sge.fr",
    postal_address: str = "12 rue de la Paix, 75002 Paris",
    phone: str | None = None,
    number: str = "F-2026-0117",
    issue_date: str = "2026-01-30",
    due_date: str = "2026-03-01",
    amount_cents: int = 2_400_00,
    outstanding_cents: int = 2_400_00,
    **extra: Any,
) -> dict[str, Any]:
    """The JSON body of POST /cases for an invoice due the day before the suite's clock."""
    debtor: dict[str, Any] = {"siren": debtor_siren, "name": debtor_name, "postal_address": postal_address}
    if email is not None:
        debtor["email"] = email
    if phone is not None:
        debtor["phone"] = phone
    invoice = {
        "number": number,
        "issue_date": issue_date,
        "due_date": due_date,
        "amount_cents": amount_cents,
        "outstanding_cents": outstanding_cents,
    }
    return {"debtor": debtor, "invoice": invoice, **extra}


def step_payload(**changes: Any) -> dict[str, Any]:
    """One reminder step's JSON, by e-mail, 5 days after the due date."""
    step: dict[str, Any] = {
        "name": "Rappel amical",
        "kind": "reminder",
        "channel": "email",
        "delay_days": 5,
        "anchor": "due_date",
        "subject": "Facture {facture}",
        "body": "Bonjour {debiteur}, il reste {reste_du} à régler sur la facture {facture}.",
    }
    return {**step, **changes}


def notice_payload(**changes: Any) -> dict[str, Any]:
    """A formal notice step's JSON, by letter, 10 days after the step before, 8 days to pay."""
    notice = {
        "name": "Mise en demeure",
        "kind": "formal_notice",
        "channel": "letter",
        "delay_days": 10,
        "anchor": "previous_step",
        "subject": "Mise en demeure : facture {facture}",
        "body": "Nous vous mettons en demeure de payer {total} au plus tard le {date_limite}.",
        "deadline_days": 8,
    }
    return step_payload(**{**notice, **changes})
