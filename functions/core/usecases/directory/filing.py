"""Filing a report: every rule checked, the documents cited checked and pinned, duplicates refused.

``Idempotency-Key`` is honoured by the edge, as on every state-changing route
(``functions/core/idempotency.py``): its claim joins the report's transaction.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain.documents import FiledDocument
from functions.core.domain.members import Member
from functions.core.domain.registry import CompanyIdentity, name_matches
from functions.core.domain.reports import AmicableSteps, Invoice, Party, Report, ReportStatus
from functions.core.domain.rules import NAME_MISMATCH_FLAG, Draft, Limits, check_filing, term_flags
from functions.core.errors import Duplicate, FieldError, RuleNotMet
from functions.core.identifiers import parse_company
from functions.core.resources import Resources
from functions.core.store import ConditionFailed, retry_on_conflict
from functions.core.store.documents import DeclaredDocument
from functions.core.usecases.directory.documents import DocumentAlreadyCited, cite_documents
from functions.core.usecases.directory.members import require_approved
from functions.core.usecases.identity import filing_gates


@dataclass(frozen=True)
class Filing:
    """What the creditor sent, already shaped (the route validated the formats)."""

    draft: Draft
    debtor_name: str
    invoice_number: str
    description: str
    # The ids of the documents declared and uploaded beforehand (``POST /documents``).
    documents: tuple[str, ...] = ()


def name_flags(identity: CompanyIdentity | None, typed: str) -> tuple[str, ...]:
    """Flag for the moderator a debtor named otherwise than the registry names it (after folding)."""
    return (
        (NAME_MISMATCH_FLAG,)
        if identity is not None and identity.nameable and not name_matches(identity, typed)
        else ()
    )


def _new_report(
    member: Member,
    filing: Filing,
    created_at: Any,
    identity: CompanyIdentity | None,
    documents: Sequence[FiledDocument],
) -> Report:
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
        status=ReportStatus.UNDER_REVIEW,
        created_at=created_at,
        description=filing.description,
        filed_by=member.id,
        flags=term_flags(draft) + name_flags(identity, filing.debtor_name),
        public_ref=f"pub_{secrets.token_hex(8)}",
        documents=tuple(documents),
    )


def file_report(res: Resources, member: Member, filing: Filing) -> Report:
    """Accept a report if every rule holds; it waits for a moderator (``review.py``) before the debtor is told."""
    require_approved(member)
    now = res.clock()
    limits = Limits(res.settings.notice_days, res.settings.min_amount_cents)
    cited, declared, problems = cite_documents(res, member, filing.documents)
    # The documents' rules (an invoice, a notice and its proof) are filing rules: listed with the others.
    draft = replace(filing.draft, document_kinds=tuple(c.document.kind for c in cited))
    failures = check_filing(draft, today_in_paris(now), limits) + problems
    if failures:
        raise RuleNotMet("Ce signalement ne respecte pas toutes les règles du recouvrement amiable.", failures)
    _refuse_by_registry(res, draft)
    identity = res.store.registry.get_identity(parse_company(draft.debtor_siren))
    report = _new_report(member, filing, now, identity, [c.document for c in cited])
    _refuse_duplicate(res, report)
    citing = list(declared)

    def attempt() -> Report:
        try:
            writes = res.store.documents.cite_writes(citing, report.id)
            return res.store.reports.file_report(report, actor=f"member:{member.id}", extra_writes=writes)
        except ConditionFailed:
            # Lost a race: the same invoice was filed meanwhile, or one of its documents
            # cited by another filing (answer that), or the debtor's aggregate changed (try again).
            _refuse_duplicate(res, report)
            citing[:] = _still_uncited(res, member, citing)
            raise

    return retry_on_conflict(attempt)


def _still_uncited(res: Resources, member: Member, documents: Sequence[DeclaredDocument]) -> list[DeclaredDocument]:
    """Read the cited documents again; 409 when a concurrent filing cited one of them first."""
    current = [res.store.documents.get(member.id, d.id) for d in documents]
    if any(d is None or d.report_id is not None for d in current):
        raise DocumentAlreadyCited("Un des documents cités vient d'être joint à un autre signalement.")
    return [d for d in current if d is not None]


def _refuse_by_registry(res: Resources, draft: Draft) -> None:
    """The registry's gates: a ceased company, or one under collective proceedings, is not reported (422)."""
    gates = filing_gates(res, parse_company(draft.debtor_siren), invoice_issued=draft.issue_date)
    if gates:
        raise RuleNotMet(gates[0].message, [FieldError("debtor_siren", gate.code, gate.message) for gate in gates])


def _refuse_duplicate(res: Resources, report: Report) -> None:
    existing = res.store.reports.find_duplicate(report.creditor.siren, report.debtor.siren, report.invoice.number)
    if existing is None:
        return
    first = res.store.reports.get_report(existing)
    if first is not None and first.filed_by == report.filed_by:
        raise Duplicate("Vous avez déjà signalé cette facture pour ce débiteur.", extra={"report_id": existing})
    # Filed by another member of the same company: its id would open nothing, but says too much.
    raise Duplicate("Cette facture a déjà été signalée pour ce débiteur par votre entreprise.")
