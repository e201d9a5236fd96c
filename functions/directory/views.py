"""Domain objects to response models: what each audience may see of a report."""

from __future__ import annotations

from datetime import date

from functions.core.clock import today_in_paris
from functions.core.domain.ardoise_proofs import ArdoiseProof
from functions.core.domain.documents import FiledDocument
from functions.core.domain.einvoice import Agreement, InvoiceStatus, TermComparison
from functions.core.domain.registry import ceased_on_wording
from functions.core.domain.reports import DecidedDispute, Dispute, Moderation, Report, ReportStatus, Review
from functions.core.domain.rules import FLAG_MESSAGES
from functions.core.domain.visibility import PublicInvoice, shown_name
from functions.core.einvoices import einvoice_to_data
from functions.core.usecases.directory.invoice_status import StatusReceived
from functions.core.usecases.directory.listing import CompanyPage, SearchHit
from functions.core.usecases.directory.replies import DebtorPage
from functions.core.usecases.directory.review import ReviewItem
from functions.core.usecases.identity import RegistryView
from functions.directory.schemas import (
    ArdoiseProofOut,
    CompanyHit,
    CompanyListing,
    DebtorDocumentOut,
    DebtorReportOut,
    DisputeOut,
    DocumentOut,
    EarlierDisputeOut,
    EInvoiceOut,
    EInvoiceTermOut,
    EvidenceOut,
    FlagOut,
    InvoiceStatusAnswer,
    InvoiceStatusOut,
    ModerationOut,
    PaymentOut,
    PenaltyPeriodOut,
    PublicReport,
    RegistryOut,
    ReportOut,
    ReviewDocumentOut,
    ReviewItemOut,
    ReviewOut,
)

PENALTIES_NOTICE = "Pénalités et indemnité indiquées pour information : elles ne sont jamais publiées comme dues."


def _dispute(dispute: Dispute | None) -> DisputeOut | None:
    if dispute is None:
        return None
    return DisputeOut(
        kind=dispute.kind.value,
        reason=dispute.reason.value,
        text=dispute.text,
        opened_at=dispute.opened_at,
        was_published=dispute.was_published,
        evidence_ids=list(dispute.evidence_ids),
        paid_on=dispute.paid_on,
        declared_amount_cents=dispute.declared_amount_cents,
        evidence_sha256=list(dispute.evidence_sha256),
        payment_note=dispute.payment_note,
    )


def _moderation(moderation: Moderation | None) -> ModerationOut | None:
    if moderation is None:
        return None
    return ModerationOut(decision=moderation.decision.value, note=moderation.note, decided_at=moderation.decided_at)


def _earlier(decided: DecidedDispute) -> EarlierDisputeOut:
    dispute, moderation = _dispute(decided.dispute), _moderation(decided.moderation)
    assert dispute is not None and moderation is not None  # a decided dispute has both
    return EarlierDisputeOut(dispute=dispute, moderation=moderation)


def document_out(document: FiledDocument) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        kind=document.kind,
        label=document.label,
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        uploaded_at=document.uploaded_at,
    )


def _review(review: Review | None) -> ReviewOut | None:
    if review is None:
        return None
    return ReviewOut(decision=review.decision, reason=review.reason, decided_at=review.decided_at)


def report_out(report: Report) -> ReportOut:
    """The creditor's (and moderators') view: the whole report."""
    return ReportOut(
        id=report.id,
        public_reference=report.public_ref,
        status=report.status,
        creditor_siren=report.creditor.siren,
        debtor_siren=report.debtor.siren,
        debtor_name=report.debtor.name,
        invoice_number=report.invoice.number,
        issue_date=report.invoice.issue_date,
        due_date=report.invoice.due_date,
        amount_cents=report.invoice.amount_cents,
        outstanding_cents=report.outstanding_cents,
        reminder_dates=list(report.steps.reminder_dates),
        notice_date=report.steps.notice_date,
        notice_channel=report.steps.notice_channel.value,
        description=report.description,
        created_at=report.created_at,
        notified_at=report.notified_at,
        notice_medium=report.notice_medium.value if report.notice_medium else None,
        publish_after=report.publish_after,
        published_at=report.published_at,
        settled_on=report.settled_on,
        closed_at=report.closed_at,
        payments=[
            PaymentOut(amount_cents=p.amount_cents, paid_on=p.paid_on, recorded_at=p.recorded_at)
            for p in report.payments
        ],
        public_reply=report.public_reply,
        dispute=_dispute(report.dispute),
        moderation=_moderation(report.moderation),
        earlier_disputes=[_earlier(decided) for decided in report.earlier_disputes],
        flags=[FlagOut(code=flag, message=FLAG_MESSAGES.get(flag, flag)) for flag in report.flags],
        documents=[document_out(d) for d in report.documents],
        review=_review(report.review),
        invoice_statuses=[invoice_status_out(status) for status in report.invoice_statuses],
        einvoice=EInvoiceOut.model_validate(einvoice_to_data(report.einvoice)) if report.einvoice else None,
        einvoice_check=[einvoice_term_out(row) for row in report.einvoice_check()],
        case_id=report.case_id or None,
        ardoise_proofs=[ardoise_proof_out(proof) for proof in report.ardoise_proofs],
    )


def ardoise_proof_out(proof: ArdoiseProof) -> ArdoiseProofOut:
    return ArdoiseProofOut(
        kind=proof.kind,
        label=proof.label,
        at=proof.at,
        step=proof.step,
        step_name=proof.step_name,
        channel=proof.channel,
        recipient=proof.recipient,
        reference=proof.reference,
        sha256=proof.sha256,
        size=proof.size,
    )


def _term_value(value: str | date | int | None) -> str | int | None:
    return value.isoformat() if isinstance(value, date) else value


def einvoice_term_out(row: TermComparison) -> EInvoiceTermOut:
    """One line of the e-invoice's cross-check, as the moderator reads it."""
    return EInvoiceTermOut.model_validate(
        {
            "term": row.term,
            "label": row.label,
            "field": row.field,
            "filing": _term_value(row.filed),
            "einvoice": _term_value(row.carried),
            "agreement": row.agreement.value,
            "agreed": row.agreement in (Agreement.AGREED, Agreement.TAKEN),
        }
    )


def invoice_status_out(status: InvoiceStatus) -> InvoiceStatusOut:
    return InvoiceStatusOut(
        code=status.code,
        label=status.label,
        date=status.on,
        received_at=status.received_at,
        note=status.note,
        from_cdar=status.from_cdar,
    )


def invoice_status_answer(received: StatusReceived) -> InvoiceStatusAnswer:
    """What a lifecycle status did, for the creditor that sent it."""
    return InvoiceStatusAnswer(
        effect=received.effect.value,
        detail=received.detail,
        status=invoice_status_out(received.status),
        report=report_out(received.report),
    )


def registry_out(view: RegistryView) -> RegistryOut:
    identity = view.identity
    return RegistryOut(
        known=view.known,
        name=identity.name if identity else None,
        address=str(identity.head_office) if identity and identity.head_office else None,
        active=identity.active if identity else None,
        sole_trader=identity.sole_trader if identity else None,
        proceeding=view.proceeding.label if view.proceeding else None,
    )


def review_item_out(item: ReviewItem, documents_url: str) -> ReviewItemOut:
    """A report awaiting its check; ``documents_url`` is where its documents are downloaded (``…/documents``)."""
    return ReviewItemOut(
        report=report_out(item.report),
        waiting_since=item.waiting_since,
        age_hours=int(item.age.total_seconds() // 3600),
        documents=[
            ReviewDocumentOut(**document_out(d).model_dump(), url=f"{documents_url}/{d.id}")
            for d in item.report.documents
        ],
        registry=registry_out(item.registry),
        rules_checked=list(item.rules_checked),
    )


def debtor_report_out(page: DebtorPage, documents_url: str) -> DebtorReportOut:
    """The debtor's view: its report, the penalties as information, what it can still do."""
    report, penalties = page.report, page.penalties
    return DebtorReportOut(
        report_id=report.id,
        status=report.status,
        creditor_name=report.creditor.name,
        creditor_siren=report.creditor.siren,
        debtor_name=report.debtor.name,
        debtor_siren=report.debtor.siren,
        invoice_number=report.invoice.number,
        issue_date=report.invoice.issue_date,
        due_date=report.invoice.due_date,
        amount_cents=report.invoice.amount_cents,
        outstanding_cents=report.outstanding_cents,
        publish_after=report.publish_after,
        penalties_cents=penalties.interest_cents,
        penalty_periods=[
            PenaltyPeriodOut(start=p.start, end=p.end, days=p.days, rate_percent=str(p.percent), amount_cents=p.cents)
            for p in penalties.periods
        ],
        fixed_indemnity_cents=penalties.indemnity_cents,
        penalties_notice=PENALTIES_NOTICE,
        public_reply=report.public_reply,
        dispute=_dispute(report.dispute),
        moderation=_moderation(report.moderation),
        evidence=[
            EvidenceOut(id=e.id, filename=e.filename, content_type=e.content_type, declared_bytes=e.declared_bytes)
            for e in page.evidence
        ],
        documents=[
            DebtorDocumentOut(**document_out(d).model_dump(), url=f"{documents_url}/{d.id}") for d in report.documents
        ],
        verified_on=today_in_paris(report.verified_at) if report.verified_at else None,
        link_expires_at=page.link.expires_at,
        actions=list(page.actions),
    )


def public_report(invoice: PublicInvoice, today: date) -> PublicReport:
    return PublicReport(
        reference=invoice.reference,
        status=ReportStatus.PUBLISHED.value,
        outstanding_cents=invoice.outstanding_cents,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
        days_overdue=invoice.days_overdue(today),
        published_on=invoice.published_on,
        verified_on=invoice.verified_on,
        debtor_reply=invoice.reply,
    )


def company_listing(page: CompanyPage, today: date) -> CompanyListing:
    public = page.public
    name = shown_name(page.company.name, public)
    return CompanyListing(
        siren=page.company.siren,
        name=name,
        city=page.company.city,
        listed=public.listed,
        open_published_count=len(public.invoices),
        outstanding_cents=public.outstanding_cents,
        oldest_due_date=public.oldest_due_date,
        worst_days_beyond_terms=public.worst_days_overdue(today),
        reports=[public_report(invoice, today) for invoice in public.invoices],
        ceased_on=page.company.ceased_on,
        registry_notice=ceased_on_wording(page.company.ceased_on) if page.company.ceased_on else None,
    )


def company_hit(hit: SearchHit) -> CompanyHit:
    aggregate = hit.aggregate
    return CompanyHit(
        siren=hit.siren,
        name=hit.name,
        city=hit.city,
        listed=bool(aggregate and aggregate.listed),
        open_published_count=aggregate.open_published_count if aggregate else 0,
        outstanding_cents=aggregate.outstanding_cents if aggregate else 0,
    )
