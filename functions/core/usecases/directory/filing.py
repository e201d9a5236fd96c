"""Filing a report: every rule checked, the documents cited checked and pinned, duplicates refused.

``Idempotency-Key`` is honoured by the edge, as on every state-changing route
(``functions/core/idempotency.py``): its claim joins the report's transaction.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain.case_report import CaseRecord
from functions.core.domain.documents import DocumentKind, FiledDocument
from functions.core.domain.einvoice import TERMS, EInvoice, Filed, Value, taken_terms
from functions.core.domain.members import Member
from functions.core.domain.registry import CompanyIdentity, name_matches
from functions.core.domain.reports import AmicableSteps, Invoice, NoticeChannel, Party, Report, ReportStatus
from functions.core.domain.rules import NAME_MISMATCH_FLAG, Draft, Limits, check_filing, term_flags
from functions.core.errors import Duplicate, FieldError, RuleNotMet, ValidationFailed
from functions.core.identifiers import InvalidIdentifier, parse_company
from functions.core.resources import Resources
from functions.core.store import ConditionFailed, retry_on_conflict
from functions.core.store.documents import DeclaredDocument
from functions.core.usecases.directory.documents import CitedFile, DocumentAlreadyCited, cite_documents
from functions.core.usecases.directory.einvoice_check import (
    SEVERAL_CODE,
    InvalidEInvoice,
    invoices_cited,
    read_filed_einvoice,
    refuse_mismatch,
)
from functions.core.usecases.directory.members import require_approved
from functions.core.usecases.identity import filing_gates


@dataclass(frozen=True)
class TypedInvoice:
    """The invoice as the filing gives it; a term left out (None) is read from the cited e-invoice."""

    number: str | None
    issue_date: date | None
    due_date: date | None
    amount_cents: int | None
    outstanding_cents: int


@dataclass(frozen=True)
class Filing:
    """What the creditor sent, already shaped (the route validated the formats)."""

    claimed_creditor_siren: str | None
    debtor_siren: str
    debtor_name: str
    debtor_email: str
    debtor_postal_address: str
    invoice: TypedInvoice
    reminder_dates: tuple[date, ...]
    notice_date: date | None
    notice_channel: NoticeChannel | None
    description: str = ""
    # The ids of the documents declared and uploaded beforehand (``POST /documents``).
    documents: tuple[str, ...] = ()
    # Filed from a recovery case: what Ardoise's records prove (the steps above are taken from it).
    record: CaseRecord | None = None

    @classmethod
    def of_draft(
        cls, draft: Draft, debtor_name: str, invoice_number: str, description: str = "", documents: Sequence[str] = ()
    ) -> Filing:
        """A filing that gives every term of its invoice, as a draft holds them (the demo, tests)."""
        return cls(
            claimed_creditor_siren=draft.claimed_creditor_siren,
            debtor_siren=draft.debtor_siren,
            debtor_name=debtor_name,
            debtor_email=draft.debtor_email,
            debtor_postal_address=draft.debtor_postal_address,
            invoice=TypedInvoice(
                invoice_number, draft.issue_date, draft.due_date, draft.amount_cents, draft.outstanding_cents
            ),
            reminder_dates=draft.reminder_dates,
            notice_date=draft.notice_date,
            notice_channel=draft.notice_channel,
            description=description,
            documents=tuple(documents),
        )


# Where each invoice term goes in the filing when it is missing (neither typed nor carried by an e-invoice).
_MISSING = {
    "BT-1": "Indiquez le numéro de la facture, ou citez la facture électronique qui le porte.",
    "BT-2": "Indiquez la date de la facture, ou citez la facture électronique qui la porte.",
    "BT-9": "Indiquez l'échéance de la facture (la facture électronique citée n'en porte pas, ou aucune n'est citée).",
    "BT-115": "Indiquez le montant de la facture, ou citez la facture électronique qui le porte.",
}


def _filed(member: Member, debtor_siren: str, typed: TypedInvoice) -> Filed:
    """What the filing says of the invoice and its parties, as the e-invoice is checked against it."""
    try:
        debtor = parse_company(debtor_siren)
    except InvalidIdentifier:
        debtor = debtor_siren  # the rules refuse it; the cross-check still names a different buyer
    return Filed(member.siren, debtor, typed.number, typed.issue_date, typed.due_date, typed.amount_cents)


def _terms(filed: Filed, taken: dict[str, Any]) -> Filed:
    """The filing's terms completed with those taken from the e-invoice; 400 for any still missing."""
    terms = replace(
        filed,
        number=taken.get("BT-1", filed.number),
        issue_date=taken.get("BT-2", filed.issue_date),
        due_date=taken.get("BT-9", filed.due_date),
        amount_cents=taken.get("BT-115", filed.amount_cents),
    )
    values = {"BT-1": terms.number, "BT-2": terms.issue_date, "BT-9": terms.due_date, "BT-115": terms.amount_cents}
    missing = [FieldError(TERMS[term][1], "missing", _MISSING[term]) for term, value in values.items() if value is None]
    if missing:
        raise ValidationFailed("Certains champs manquent.", missing)
    return terms


@dataclass(frozen=True)
class InvoiceReading:
    """The invoice as cited and typed: the documents checked, the e-invoice read and cross-checked, every term."""

    cited: list[CitedFile]
    declared: list[DeclaredDocument]  # to mark cited in the same transaction as what cites them
    problems: list[FieldError]  # the documents' own (missing, already cited...), listed with the rules' failures
    einvoice: EInvoice | None
    taken: dict[str, Value]  # the invoice terms left out and read from the e-invoice
    terms: Filed  # complete: number, dates and amount each given or taken


def read_invoice(
    res: Resources, member: Member, debtor_siren: str, typed: TypedInvoice, document_ids: Sequence[str]
) -> InvoiceReading:
    """Check the cited documents, read the e-invoice among them and complete the typed terms from it.

    What a filing and a recovery case's opening share: an invalid e-invoice is
    ``422 facture-electronique-invalide``, one that says otherwise than what
    was typed ``422 facture-incoherente``, a term neither typed nor carried
    ``400 missing``. A cited invoice is read only when it may be an e-invoice
    (the reader is heavy).
    """
    cited, declared, problems = cite_documents(res, member, document_ids)
    einvoice = read_filed_einvoice(res, invoices_cited(cited, document_ids))
    filed = _filed(member, debtor_siren, typed)
    refuse_mismatch(einvoice, filed)
    taken = taken_terms(einvoice, filed)
    return InvoiceReading(cited, declared, problems, einvoice, taken, _terms(filed, taken))


def _draft(member: Member, filing: Filing, terms: Filed, kinds: tuple[DocumentKind, ...]) -> Draft:
    assert terms.issue_date is not None and terms.due_date is not None and terms.amount_cents is not None
    return Draft(
        member_siren=member.siren,
        claimed_creditor_siren=filing.claimed_creditor_siren,
        debtor_siren=filing.debtor_siren,
        debtor_email=filing.debtor_email,
        debtor_postal_address=filing.debtor_postal_address,
        issue_date=terms.issue_date,
        due_date=terms.due_date,
        amount_cents=terms.amount_cents,
        outstanding_cents=filing.invoice.outstanding_cents,
        reminder_dates=filing.reminder_dates,
        notice_date=filing.notice_date,
        notice_channel=filing.notice_channel,
        document_kinds=kinds,
    )


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
    draft: Draft,
    *,
    number: str,
    created_at: Any,
    identity: CompanyIdentity | None,
    documents: Sequence[FiledDocument],
    einvoice: EInvoice | None,
    taken: Sequence[str],
) -> Report:
    assert draft.notice_date is not None and draft.notice_channel is not None  # the rules checked both
    record = filing.record
    return Report(
        id=f"rpt_{uuid.uuid4().hex[:16]}",
        creditor=Party(siren=member.siren, name=member.company_name, email=member.email),
        debtor=Party(
            siren=parse_company(draft.debtor_siren),
            name=filing.debtor_name,
            email=draft.debtor_email,
            postal_address=draft.debtor_postal_address,
        ),
        invoice=Invoice(number, draft.issue_date, draft.due_date, draft.amount_cents),
        outstanding_cents=draft.outstanding_cents,
        steps=AmicableSteps(tuple(sorted(draft.reminder_dates)), draft.notice_date, draft.notice_channel),
        status=ReportStatus.UNDER_REVIEW,
        created_at=created_at,
        description=filing.description,
        filed_by=member.id,
        flags=term_flags(draft) + name_flags(identity, filing.debtor_name) + (record.flags if record else ()),
        public_ref=f"pub_{secrets.token_hex(8)}",
        documents=tuple(documents) + (record.documents if record is not None else ()),
        einvoice=einvoice,
        einvoice_terms_taken=tuple(taken),
        case_id=record.case_id if record is not None else "",
        ardoise_proofs=record.proofs if record is not None else (),
    )


def file_report(res: Resources, member: Member, filing: Filing) -> Report:
    """Accept a report if every rule holds; it waits for a moderator (``review.py``) before the debtor is told.

    A cited invoice that is an e-invoice is read (only then: the reader is
    heavy) and cross-checked first: an invalid one is ``422
    facture-electronique-invalide``, one that says otherwise than the filing
    ``422 facture-incoherente``; the invoice terms the filing left out are
    taken from it (without an e-invoice that carries them: ``400 missing``).
    """
    require_approved(member)
    now = res.clock()
    limits = Limits(res.settings.notice_days, res.settings.min_amount_cents)
    reading = read_invoice(res, member, filing.debtor_siren, filing.invoice, filing.documents)
    cited, declared, problems, terms = reading.cited, reading.declared, reading.problems, reading.terms
    assert terms.number is not None  # _terms refuses a filing without one
    # The documents' rules (an invoice, a notice and its proof) are filing rules: listed with the others.
    record = filing.record
    einvoice, taken = reading.einvoice, list(reading.taken)
    if record is not None and record.einvoice is not None:
        # The case read its e-invoice when it opened: the report keeps it (one invoice, so no second one).
        if einvoice is not None:
            raise InvalidEInvoice(
                "La facture électronique de ce dossier est déjà jointe : ne citez pas une autre facture électronique.",
                [FieldError("documents", SEVERAL_CODE, "Une seule facture électronique par signalement.")],
            )
        einvoice, taken = record.einvoice, list(record.einvoice_terms_taken)
    kinds = tuple(c.document.kind for c in cited) + (record.document_kinds if record is not None else ())
    draft = _draft(member, filing, terms, kinds)
    failures = check_filing(draft, today_in_paris(now), limits) + problems
    if failures:
        raise RuleNotMet("Ce signalement ne respecte pas toutes les règles du recouvrement amiable.", failures)
    refuse_by_registry(res, draft)
    identity = res.store.registry.get_identity(parse_company(draft.debtor_siren))
    report = _new_report(
        member,
        filing,
        draft,
        number=terms.number,
        created_at=now,
        identity=identity,
        documents=[c.document for c in cited],
        einvoice=einvoice,
        taken=taken,
    )
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
            citing[:] = still_uncited(res, member, citing)
            raise

    return retry_on_conflict(attempt)


def still_uncited(res: Resources, member: Member, documents: Sequence[DeclaredDocument]) -> list[DeclaredDocument]:
    """Read the cited documents again; 409 when a concurrent filing (or case) cited one of them first."""
    current = [res.store.documents.get(member.id, d.id) for d in documents]
    if any(d is None or d.report_id is not None for d in current):
        raise DocumentAlreadyCited("Un des documents cités vient d'être joint à un autre signalement ou dossier.")
    return [d for d in current if d is not None]


def refuse_by_registry(res: Resources, draft: Draft) -> None:
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
