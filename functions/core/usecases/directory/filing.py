"""Filing a report: every rule checked, duplicates refused.

``Idempotency-Key`` is honoured by the edge, as on every state-changing route
(``functions/core/idempotency.py``): its claim joins the report's transaction.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain.members import Member
from functions.core.domain.registry import CompanyIdentity, name_matches
from functions.core.domain.reports import AmicableSteps, Invoice, Party, Report, ReportStatus
from functions.core.domain.rules import NAME_MISMATCH_FLAG, Draft, Limits, check_filing, term_flags
from functions.core.errors import Duplicate, FieldError, RuleNotMet
from functions.core.identifiers import parse_company
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store import ConditionFailed, retry_on_conflict
from functions.core.usecases.directory.members import require_approved
from functions.core.usecases.directory.notices import notify_report
from functions.core.usecases.identity import filing_gates

log = get_logger("directory.filing")


@dataclass(frozen=True)
class Filing:
    """What the creditor sent, already shaped (the route validated the formats)."""

    draft: Draft
    debtor_name: str
    invoice_number: str
    description: str


def name_flags(identity: CompanyIdentity | None, typed: str) -> tuple[str, ...]:
    """Flag for the moderator a debtor named otherwise than the registry names it (after folding)."""
    return (
        (NAME_MISMATCH_FLAG,)
        if identity is not None and identity.nameable and not name_matches(identity, typed)
        else ()
    )


def _new_report(member: Member, filing: Filing, created_at: Any, identity: CompanyIdentity | None) -> Report:
    draft = filing.draft
    assert draft.notice_date is not None and draft.notice_channel is not None  # the rules checked both
    return Report(
        id=f"rpt_{uuid.uuid4().hex[:16]}",
        creditor=Party(siren=member.siren, name=member.company_name, email=member.email),
        debtor=Party(
            siren=parse_company(draft.debtor_siren),
            name=filing.debtor_name,
            email=draft.debtor_email,
            postal_address=draft.debtor_postal_address,
        ),
        invoice=Invoice(filing.invoice_number, draft.issue_date, draft.due_date, draft.amount_cents),
        outstanding_cents=draft.outstanding_cents,
        steps=AmicableSteps(tuple(sorted(draft.reminder_dates)), draft.notice_date, draft.notice_channel),
        status=ReportStatus.SUBMITTED,
        created_at=created_at,
        description=filing.description,
        filed_by=member.id,
        flags=term_flags(draft) + name_flags(identity, filing.debtor_name),
        public_ref=f"pub_{secrets.token_hex(8)}",
    )


def file_report(res: Resources, member: Member, filing: Filing) -> Report:
    """Accept a report if every rule holds, notify the debtor, and return the report as it now stands."""
    require_approved(member)
    now = res.clock()
    limits = Limits(res.settings.notice_days, res.settings.min_amount_cents)
    failures = check_filing(filing.draft, today_in_paris(now), limits)
    if failures:
        raise RuleNotMet("Ce signalement ne respecte pas toutes les règles du recouvrement amiable.", failures)
    _refuse_by_registry(res, filing.draft)
    report = _new_report(member, filing, now, res.store.registry.get_identity(parse_company(filing.draft.debtor_siren)))
    _refuse_duplicate(res, report)

    def attempt() -> None:
        try:
            res.store.reports.file_report(report, actor=f"member:{member.id}")
        except ConditionFailed:
            # Lost a race: the same invoice was filed meanwhile (answer that), or the
            # debtor's aggregate changed (try again).
            _refuse_duplicate(res, report)
            raise

    retry_on_conflict(attempt)
    return _notified(res, report)


def _refuse_by_registry(res: Resources, draft: Draft) -> None:
    """The registry's gates: a ceased company, or one under collective proceedings, is not reported (422)."""
    gates = filing_gates(res, parse_company(draft.debtor_siren), invoice_issued=draft.issue_date)
    if gates:
        raise RuleNotMet(gates[0].message, [FieldError("debtor_siren", gate.code, gate.message) for gate in gates])


def _notified(res: Resources, report: Report) -> Report:
    """Send the notice of a report just filed; return the report as it now stands.

    The report is committed: a failure here must not turn the filing into an
    error (the client would file again). It is logged, and the tick sends the
    notice (or repeats it, as a copy) once the claim lapses.
    """
    try:
        return notify_report(res, report.id) or res.store.reports.get_report(report.id) or report
    except Exception:  # logged with its id; the tick's notice step recovers it
        log.exception("notice not confirmed after filing; left to the tick", extra={"report_id": report.id})
    try:
        return res.store.reports.get_report(report.id) or report
    except Exception:  # the store still fails: answer with the report as filed
        log.exception("report not re-read after filing", extra={"report_id": report.id})
        return report


def _refuse_duplicate(res: Resources, report: Report) -> None:
    existing = res.store.reports.find_duplicate(report.creditor.siren, report.debtor.siren, report.invoice.number)
    if existing is None:
        return
    first = res.store.reports.get_report(existing)
    if first is not None and first.filed_by == report.filed_by:
        raise Duplicate("Vous avez déjà signalé cette facture pour ce débiteur.", extra={"report_id": existing})
    # Filed by another member of the same company: its id would open nothing, but says too much.
    raise Duplicate("Cette facture a déjà été signalée pour ce débiteur par votre entreprise.")
