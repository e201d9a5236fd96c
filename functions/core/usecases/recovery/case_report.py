"""Filing the report from a recovery case that ended unpaid: one step, Ardoise's records as the proof.

The report is filed by the same use case as ``POST /reports``
(:func:`functions.core.usecases.directory.filing.file_report`): every filing
rule, the registry's gates, the duplicate check (one report per invoice: a
second filing from the case is ``409`` with the report's id) and the review
before the debtor hears of it apply unchanged. Only the input differs: the
parties, the invoice and the amicable steps come from the case
(:func:`functions.core.domain.case_report.case_record`), the documents
the case was opened with (its invoice, its e-invoice's terms) included, and
the creditor cites what Ardoise does not hold yet — the invoice when the case
was opened without it, a proof of the debtor's commitment — uploaded
beforehand (``POST /documents``). ``Idempotency-Key`` is honoured by the edge.
"""

from __future__ import annotations

from collections.abc import Sequence

from functions.core.domain.case_report import case_record
from functions.core.domain.members import Member
from functions.core.domain.reports import Report
from functions.core.resources import Resources
from functions.core.usecases.directory.filing import Filing, TypedInvoice, file_report
from functions.core.usecases.recovery.cases import own_case


def file_from_case(
    res: Resources, member: Member, case_id: str, *, documents: Sequence[str] = (), description: str | None = None
) -> Report:
    """File the report of an unpaid case; it waits under review like any other filing."""
    case = own_case(res, member, case_id)
    record = case_record(case)
    invoice = case.invoice
    filing = Filing(
        claimed_creditor_siren=None,
        debtor_siren=case.debtor.siren,
        debtor_name=case.debtor.name,
        debtor_email=case.debtor.email,
        debtor_postal_address=case.debtor.postal_address,
        invoice=TypedInvoice(
            invoice.number, invoice.issue_date, invoice.due_date, invoice.amount_cents, case.outstanding_cents
        ),
        reminder_dates=record.reminder_dates,
        notice_date=record.notice_date,
        notice_channel=record.notice_channel,
        description=case.description if description is None else description,
        # A document the case holds comes with its record: cited again by its id, it is not cited twice.
        documents=tuple(d for d in documents if d not in {held.id for held in case.documents}),
        record=record,
    )
    return file_report(res, member, filing)
