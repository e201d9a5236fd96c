"""A report's data and life: the shared model of the directory.

    under_review -> submitted -> notified -> published -> settled -> (deleted after retention)
    side roads: under_review -> refused (a moderator's check before the debtor is told);
                disputed -> published (upheld) | rejected; withdrawn (before settlement);
                unlisted (a partial payment left less than the minimum amount owed)

Solvency summaries, the charter's suspensions and the public site all read
reports through this model; only the directory changes them. What each
audience may see of them is :mod:`functions.core.domain.visibility`'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from functions.core.domain.ardoise_proofs import ArdoiseProof
from functions.core.domain.documents import FiledDocument
from functions.core.domain.einvoice import EInvoice, Filed, InvoiceStatus, TermComparison, compare


class ReportStatus(StrEnum):
    """Where a report stands in its life."""

    # Filed, waiting for a moderator to check its documents: nobody else hears of it.
    UNDER_REVIEW = "under_review"
    # Checked and approved: the debtor's notice is being sent.
    SUBMITTED = "submitted"
    NOTIFIED = "notified"
    PUBLISHED = "published"
    DISPUTED = "disputed"
    SETTLED = "settled"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    # Still owed, but less than the minimum amount a report needs: off the listing for good.
    UNLISTED = "unlisted"
    # A moderator found the file short of proof before the debtor was told: never shown, never notified.
    REFUSED = "refused"


# Statuses in which a report may still be (or become) public and is still owed.
OPEN_STATUSES = frozenset(
    {
        ReportStatus.UNDER_REVIEW,
        ReportStatus.SUBMITTED,
        ReportStatus.NOTIFIED,
        ReportStatus.PUBLISHED,
        ReportStatus.DISPUTED,
    }
)
# Statuses in which something is still owed: the creditor may record a payment or withdraw.
OWED_STATUSES = OPEN_STATUSES | {ReportStatus.UNLISTED}


class NoticeChannel(StrEnum):
    """How the formal notice (mise en demeure) was sent."""

    REGISTERED_LETTER = "registered_letter"
    EMAIL_WITH_RECEIPT = "email_with_receipt"
    BAILIFF = "bailiff"


@dataclass(frozen=True)
class Party:
    """A business on either side of a report."""

    siren: str
    name: str
    email: str = ""
    postal_address: str = ""


@dataclass(frozen=True)
class Invoice:
    """The unpaid invoice as the creditor reports it."""

    number: str
    issue_date: date
    due_date: date
    amount_cents: int


@dataclass(frozen=True)
class AmicableSteps:
    """Proof that amicable recovery was tried: reminders, then a formal notice."""

    reminder_dates: tuple[date, ...]
    notice_date: date
    notice_channel: NoticeChannel


@dataclass(frozen=True)
class Payment:
    """A payment recorded against a report (by the creditor, or declared by the debtor)."""

    amount_cents: int
    paid_on: date
    recorded_at: datetime
    recorded_by: str


class DebtorAction(StrEnum):
    """What the debtor may do through its private link (the ``action`` its requests name)."""

    DISPUTE = "dispute"
    DECLARE_PAYMENT = "declare_payment"
    REPLY = "reply"


class DisputeKind(StrEnum):
    """What the debtor said through its private link, or its e-invoice's lifecycle."""

    DISPUTE = "dispute"
    PAYMENT_DECLARED = "payment_declared"
    # Not the debtor's link: the invoice's e-invoicing lifecycle said 207 "En litige" or 210 "Refusée".
    INVOICE_STATUS = "invoice_status"


class DisputeReason(StrEnum):
    """Why the debtor contests (a closed list, so that moderation can be consistent)."""

    NOT_OWED = "not_owed"
    WRONG_AMOUNT = "wrong_amount"
    ALREADY_PAID = "already_paid"
    SERVICE_NOT_DELIVERED = "service_not_delivered"
    PAYMENT_ARRANGEMENT = "payment_arrangement"
    OTHER = "other"


DISPUTE_REASON_LABELS = {
    DisputeReason.NOT_OWED: "La somme n'est pas due",
    DisputeReason.WRONG_AMOUNT: "Le montant est erroné",
    DisputeReason.ALREADY_PAID: "La facture a déjà été payée",
    DisputeReason.SERVICE_NOT_DELIVERED: "La prestation ou la livraison est contestée",
    DisputeReason.PAYMENT_ARRANGEMENT: "Un échéancier a été convenu",
    DisputeReason.OTHER: "Autre motif",
}


@dataclass(frozen=True)
class Dispute:
    """The debtor's contest (or payment declaration), awaiting a moderator."""

    kind: DisputeKind
    reason: DisputeReason
    text: str
    opened_at: datetime
    was_published: bool
    evidence_ids: tuple[str, ...] = ()
    paid_on: date | None = None
    declared_amount_cents: int | None = None
    # The SHA-256 of each cited file when it was cited, in ``evidence_ids`` order: proof it did not change.
    evidence_sha256: tuple[str, ...] = ()
    # A payment declared while this dispute was pending (the dispute's own text is the contest's).
    payment_note: str = ""


class ModerationDecision(StrEnum):
    """A moderator's decision on a dispute."""

    UPHELD = "upheld"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Moderation:
    """Who decided what about a dispute, when, and why (the note is sent to both sides)."""

    decision: ModerationDecision
    note: str
    moderator_id: str
    decided_at: datetime


@dataclass(frozen=True)
class DecidedDispute:
    """An earlier dispute and the moderator's decision on it (a later payment declaration opened a new one)."""

    dispute: Dispute
    moderation: Moderation


class ReviewDecision(StrEnum):
    """A moderator's decision on a report's file, before the debtor is told."""

    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True)
class Review:
    """Who checked a report's file, when, and (refused) why: the reason is e-mailed to the creditor."""

    decision: ReviewDecision
    reason: str
    decided_by: str  # the actor: ``moderator:{id}``, or ``operator:cli``
    decided_at: datetime


class NoticeMedium(StrEnum):
    """How Ardoise told the debtor about the report."""

    EMAIL = "email"
    POST = "post"


@dataclass(frozen=True)
class DebtorNotice:
    """The notice sent to the debtor, fixed by the first attempt to send it.

    Its date is where the grace period and the private link's validity start,
    and its seed (with the secret key) gives its private link and short code:
    a later attempt, after a crash left the first one unconfirmed, sends the
    same notice again, said to be a copy, never a new one.
    """

    dated_at: datetime
    seed: str
    # Attempts to send it so far, and which one holds the claim (ownership survives a lost answer).
    attempts: int = 1
    claim: str = ""

    @property
    def is_copy(self) -> bool:
        """Whether the latest attempt repeats a notice an earlier one may have sent."""
        return self.attempts > 1


@dataclass(frozen=True)
class Report:
    """One unpaid invoice reported by a creditor against a debtor."""

    id: str
    creditor: Party
    debtor: Party
    invoice: Invoice
    outstanding_cents: int
    steps: AmicableSteps
    status: ReportStatus
    created_at: datetime
    description: str = ""
    notified_at: datetime | None = None
    publish_after: datetime | None = None
    published_at: datetime | None = None
    settled_at: datetime | None = None
    settled_on: date | None = None
    closed_at: datetime | None = None
    payments: tuple[Payment, ...] = field(default_factory=tuple)
    public_reply: str = ""
    version: int = 0
    filed_by: str = ""
    flags: tuple[str, ...] = ()
    notice_medium: NoticeMedium | None = None
    notice_claimed_at: datetime | None = None
    notice: DebtorNotice | None = None
    dispute: Dispute | None = None
    moderation: Moderation | None = None
    # The opaque reference shown on the public listing: never the internal id,
    # which opens the report to its creditor and would let the public correlate.
    public_ref: str = ""
    earlier_disputes: tuple[DecidedDispute, ...] = ()
    # The e-invoice lifecycle statuses its creditor sent, in the order received.
    invoice_statuses: tuple[InvoiceStatus, ...] = ()
    # The collective proceeding (its key: the first opening notice's id) that keeps the report
    # off the public listing; "" when none. See visibility.listing_freeze.
    frozen_by: str = ""
    # The terms read from the invoice when it was cited as an e-invoice (Factur-X, CII, UBL): cross-checked.
    einvoice: EInvoice | None = None
    # The invoice terms the filing left out and took from the e-invoice (``("BT-9",)``): what the moderator
    # sees as read, not typed.
    einvoice_terms_taken: tuple[str, ...] = ()
    # The creditor's documents cited at filing, each with the SHA-256 its bytes had then.
    documents: tuple[FiledDocument, ...] = ()
    # The moderator's check of the file, before the debtor was told (None: not checked yet).
    review: Review | None = None
    # Filed from a recovery case Ardoise ran ("" otherwise): its amicable steps are Ardoise's records, kept here.
    case_id: str = ""
    ardoise_proofs: tuple[ArdoiseProof, ...] = ()

    @property
    def verified_at(self) -> datetime | None:
        """When a moderator approved the file (the public page says the documents were checked then)."""
        review = self.review
        return review.decided_at if review is not None and review.decision is ReviewDecision.APPROVED else None

    def einvoice_check(self) -> list[TermComparison]:
        """Each business term of the e-invoice cited at filing set against the report (empty without one).

        A term the filing left out shows as taken from the e-invoice, not as agreed.
        """
        if self.einvoice is None:
            return []
        taken, invoice = set(self.einvoice_terms_taken), self.invoice
        filed = Filed(
            member_siren=self.creditor.siren,
            debtor_siren=self.debtor.siren,
            number=None if "BT-1" in taken else invoice.number,
            issue_date=None if "BT-2" in taken else invoice.issue_date,
            due_date=None if "BT-9" in taken else invoice.due_date,
            amount_cents=None if "BT-115" in taken else invoice.amount_cents,
        )
        return compare(self.einvoice, filed)

    def decided_disputes(self) -> tuple[DecidedDispute, ...]:
        """Every dispute a moderator decided, the oldest first."""
        if self.dispute is not None and self.moderation is not None:
            return (*self.earlier_disputes, DecidedDispute(self.dispute, self.moderation))
        return self.earlier_disputes

    def cited_evidence(self) -> dict[str, str]:
        """Each evidence file cited by any dispute of this report, with its SHA-256 when cited."""
        disputes = [d.dispute for d in self.earlier_disputes] + ([self.dispute] if self.dispute else [])
        return {e: h for d in disputes for e, h in zip(d.evidence_ids, d.evidence_sha256, strict=False)}

    def days_beyond_terms(self, today: date) -> int:
        """Days past the due date: until the payment date once settled, else until ``today``."""
        end = self.settled_on if self.settled_on is not None else today
        return (end - self.invoice.due_date).days
