"""A report's state machine: each transition is a pure function returning the next report.

    under_review -> submitted -> notified -> published -> settled
    side roads: under_review -> refused (a moderator's check of the file, before the debtor is told);
                notified|published -> disputed -> published/notified (upheld) | rejected;
                any open status -> withdrawn (creditor), settled (full payment),
                unlisted (a partial payment leaves less than the minimum amount owed);
                e-invoice lifecycle: 207/210 -> disputed (even before the notice: upheld,
                the report then goes back to it), 211/212 -> settled, others recorded

The debtor contests once (a moderator's decision on a contest is final), but
may declare a payment whenever the report is listed, about to be, or disputed:
a payment can happen after an upheld contest, and a creditor may not record it.

A transition that the current status does not allow raises :class:`Conflict`
(409) with a French explanation; a payment that does not fit raises
:class:`RuleNotMet` (422).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from functions.core.clock import today_in_paris
from functions.core.domain.einvoice import INVOICE_STATUS_LABELS, InvoiceStatus, StatusEffect, effect_of
from functions.core.domain.reports import (
    OPEN_STATUSES,
    OWED_STATUSES,
    DebtorAction,
    DebtorNotice,
    Dispute,
    DisputeKind,
    DisputeReason,
    Invoice,
    Moderation,
    ModerationDecision,
    NoticeMedium,
    Payment,
    Report,
    ReportStatus,
    Review,
    ReviewDecision,
)
from functions.core.errors import Conflict, FieldError, RuleNotMet
from functions.core.french import short_date

# A letter takes a few days to arrive: the debtor's grace period starts later.
POSTAL_DELAY_DAYS = 3
STATUS_LABELS = {
    ReportStatus.UNDER_REVIEW: "en attente de vérification par la modération",
    ReportStatus.SUBMITTED: "en cours de notification",
    ReportStatus.NOTIFIED: "débiteur prévenu, délai de réponse en cours",
    ReportStatus.PUBLISHED: "publié",
    ReportStatus.DISPUTED: "contesté, en attente de modération",
    ReportStatus.SETTLED: "réglé",
    ReportStatus.REJECTED: "rejeté par la modération",
    ReportStatus.WITHDRAWN: "retiré par le créancier",
    ReportStatus.UNLISTED: "retiré de l'annuaire : le reste dû est inférieur au montant minimal",
    ReportStatus.REFUSED: "refusé par la modération avant tout envoi au débiteur",
}
# Where the debtor can still act through its link.
CONTESTABLE = frozenset({ReportStatus.NOTIFIED, ReportStatus.PUBLISHED})
PAYMENT_DECLARABLE = frozenset({ReportStatus.NOTIFIED, ReportStatus.PUBLISHED, ReportStatus.DISPUTED})
REPLYABLE = frozenset({ReportStatus.NOTIFIED, ReportStatus.PUBLISHED, ReportStatus.DISPUTED})
# A contest explains itself: the moderator weighs it against the creditor's file.
MIN_DISPUTE_TEXT = 10


def can_contest(report: Report) -> bool:
    """Whether the debtor may still contest: listed or about to be, and no contest decided before."""
    contested = any(d.dispute.kind is DisputeKind.DISPUTE for d in report.decided_disputes())
    return report.status in CONTESTABLE and not contested


def can_declare_payment(report: Report) -> bool:
    """Whether the debtor may declare a payment: while listed, about to be, or disputed."""
    return report.status in PAYMENT_DECLARABLE


def can_reply(report: Report) -> bool:
    """Whether the debtor may still write (or rewrite) its public reply."""
    return report.status in REPLYABLE


def debtor_actions(report: Report) -> tuple[DebtorAction, ...]:
    """What the debtor may still do through its link, in the order its page offers them."""
    allowed = {
        DebtorAction.DISPUTE: can_contest(report),
        DebtorAction.DECLARE_PAYMENT: can_declare_payment(report),
        DebtorAction.REPLY: can_reply(report),
    }
    return tuple(action for action, possible in allowed.items() if possible)


def takes_evidence(report: Report) -> bool:
    """Whether the debtor may still send evidence (for a contest or a payment declaration)."""
    return can_contest(report) or can_declare_payment(report)


def _require(report: Report, allowed: frozenset[ReportStatus] | set[ReportStatus], doing: str) -> None:
    if report.status not in allowed:
        raise Conflict(f"Impossible {_de(doing)} : le signalement est {STATUS_LABELS[report.status]}.")


def _de(verb: str) -> str:
    """French elides « de » before a vowel: « d'enregistrer », « de retirer »."""
    return f"d'{verb}" if verb[:1].lower() in "aeéèêiouh" else f"de {verb}"


def reviewed(report: Report, review: Review, now: datetime) -> Report:
    """A moderator checked the file: approved, the debtor's notice goes out; refused, the report closes unseen."""
    _require(report, {ReportStatus.UNDER_REVIEW}, "vérifier ce signalement")
    if review.decision is ReviewDecision.APPROVED:
        return replace(report, status=ReportStatus.SUBMITTED, review=review)
    return replace(report, status=ReportStatus.REFUSED, review=review, closed_at=now)


def notice_claimed(report: Report, now: datetime, *, seed: str, claim: str) -> Report:
    """Someone starts sending the debtor's notice: the first attempt fixes it, later ones repeat it.

    ``seed`` only counts for the first attempt (it makes the notice's private
    link); ``claim`` names this attempt, so that it can recognise its own claim.
    """
    _require(report, {ReportStatus.SUBMITTED}, "notifier le débiteur")
    earlier = report.notice
    notice = (
        DebtorNotice(dated_at=now, seed=seed, claim=claim)
        if earlier is None
        else replace(earlier, attempts=earlier.attempts + 1, claim=claim)
    )
    return replace(report, notice=notice, notice_claimed_at=now)


def notified(report: Report, now: datetime, grace_days: int, medium: NoticeMedium) -> Report:
    """The debtor was told: the grace period starts."""
    _require(report, {ReportStatus.SUBMITTED}, "notifier le débiteur")
    delay = timedelta(days=grace_days + (POSTAL_DELAY_DAYS if medium is NoticeMedium.POST else 0))
    return replace(
        report,
        status=ReportStatus.NOTIFIED,
        notified_at=now,
        publish_after=now + delay,
        notice_medium=medium,
    )


def is_due_for_publication(report: Report, now: datetime) -> bool:
    """Whether the grace period ran out without payment or dispute."""
    return report.status is ReportStatus.NOTIFIED and report.publish_after is not None and report.publish_after <= now


def published(report: Report, now: datetime) -> Report:
    """The report goes on the public listing."""
    if not is_due_for_publication(report, now):
        raise Conflict("Ce signalement ne peut pas encore être publié.")
    return replace(report, status=ReportStatus.PUBLISHED, published_at=report.published_at or now)


def payment_recorded(
    report: Report, *, amount_cents: int, paid_on: date, now: datetime, actor: str, min_listed_cents: int
) -> Report:
    """The creditor received a payment: partial lowers what is owed, full settles the report.

    A partial payment that leaves less than ``min_listed_cents`` owed (the
    smallest amount a report may be filed for) takes the report off the
    listing for good: ``unlisted``, still owed, closed for retention.
    """
    _require(report, OWED_STATUSES, "enregistrer un paiement")
    problems = payment_problems(report.invoice, report.outstanding_cents, amount_cents, paid_on, today_in_paris(now))
    if problems:
        raise RuleNotMet("Ce paiement ne peut pas être enregistré.", problems)
    payment = Payment(amount_cents=amount_cents, paid_on=paid_on, recorded_at=now, recorded_by=actor)
    outstanding = report.outstanding_cents - amount_cents
    paid = replace(report, outstanding_cents=outstanding, payments=(*report.payments, payment))
    if outstanding <= 0:
        return replace(paid, status=ReportStatus.SETTLED, settled_at=now, settled_on=paid_on, closed_at=now)
    if outstanding < min_listed_cents and report.status in OPEN_STATUSES:
        return replace(paid, status=ReportStatus.UNLISTED, closed_at=now)
    return paid


def payment_problems(
    invoice: Invoice, outstanding_cents: int, amount_cents: int, paid_on: date, today: date
) -> list[FieldError]:
    """What is wrong with a payment a creditor records (on a report or a recovery case): its amount, its date."""
    problems = []
    if amount_cents <= 0:
        problems.append(FieldError("amount_cents", "paiement_nul", "Le montant payé doit être positif."))
    if amount_cents > outstanding_cents:
        problems.append(
            FieldError(
                "amount_cents",
                "paiement_superieur_au_reste_du",
                "Le paiement dépasse le reste dû : enregistrez au plus le reste dû.",
            )
        )
    return problems + _paid_on_problems(invoice, paid_on, today)


def _paid_on_problems(invoice: Invoice, paid_on: date, today: date) -> list[FieldError]:
    """A payment, recorded by the creditor or declared by the debtor, is dated from the invoice to today."""
    if invoice.issue_date <= paid_on <= today:
        return []
    message = "La date de paiement doit être passée et suivre la facture."
    return [FieldError("paid_on", "date_de_paiement_invalide", message)]


def check_payment_declaration(
    report: Report, *, paid_on: date, amount_cents: int | None, evidence_count: int, today: date
) -> list[FieldError]:
    """Return what is wrong with a debtor's payment declaration (empty: it may be made): proof, date, amount.

    Checked before any proof is read: every failure at once, so that the debtor fixes them together.
    """
    problems = []
    if evidence_count == 0:
        problems.append(
            FieldError("evidence_ids", "justificatif_manquant", "Joignez au moins un justificatif de paiement.")
        )
    problems += _paid_on_problems(report.invoice, paid_on, today)
    if amount_cents is not None and not 0 < amount_cents <= report.invoice.amount_cents:
        problems.append(
            FieldError(
                "amount_cents",
                "montant_declare_invalide",
                "Le montant payé doit être positif et ne pas dépasser celui de la facture.",
            )
        )
    return problems


def withdrawn(report: Report, now: datetime) -> Report:
    """The creditor withdraws its report (any time before settlement)."""
    _require(report, OWED_STATUSES, "retirer ce signalement")
    return replace(report, status=ReportStatus.WITHDRAWN, closed_at=now)


def disputed(report: Report, dispute: Dispute) -> Report:
    """The debtor contests: off the listing until a moderator decides (once per report)."""
    _require(report, CONTESTABLE, "contester ce signalement")
    if not can_contest(report):
        raise Conflict(
            "Ce signalement a déjà été contesté et la modération a tranché : une seule contestation est possible."
        )
    return _opened(report, dispute)


def payment_declared(report: Report, declaration: Dispute) -> Report:
    """The debtor declares a payment (with proof): off the listing until the creditor records it or a moderator decides.

    While a dispute is pending, the declaration joins it (the moderator sees
    both); otherwise it opens a dispute of its own, even after an upheld
    contest. A payment a moderator already weighed cannot be declared again:
    only a later one.
    """
    _require(report, PAYMENT_DECLARABLE, "déclarer un paiement")
    assert declaration.kind is DisputeKind.PAYMENT_DECLARED and declaration.paid_on is not None
    weighed = [d.dispute.paid_on for d in report.decided_disputes() if d.dispute.paid_on is not None]
    if weighed and declaration.paid_on <= max(weighed):
        raise Conflict(
            f"Un modérateur a déjà examiné un paiement du {short_date(max(weighed))} : "
            "seul un paiement postérieur peut être déclaré."
        )
    if report.status is ReportStatus.DISPUTED and report.dispute is not None:
        pending = report.dispute
        joined = replace(
            pending,
            paid_on=declaration.paid_on,
            declared_amount_cents=declaration.declared_amount_cents,
            payment_note=declaration.text,
            evidence_ids=(*pending.evidence_ids, *declaration.evidence_ids),
            evidence_sha256=(*pending.evidence_sha256, *declaration.evidence_sha256),
        )
        return replace(report, dispute=joined)
    return _opened(report, declaration)


def _opened(report: Report, dispute: Dispute) -> Report:
    """Open a new dispute, keeping the one a moderator decided before (if any) in the history."""
    earlier = report.decided_disputes()
    return replace(report, status=ReportStatus.DISPUTED, dispute=dispute, moderation=None, earlier_disputes=earlier)


def replied(report: Report, text: str) -> Report:
    """The debtor's reply, shown next to the report whenever it is public."""
    _require(report, REPLYABLE, "répondre")
    return replace(report, public_reply=text)


def moderated(report: Report, moderation: Moderation, now: datetime) -> Report:
    """A moderator upholds the report (published, or back to its grace period) or rejects it.

    The contest's text and a payment declaration were written for the moderator:
    upheld, the report shows again with the debtor's public reply only.
    """
    _require(report, {ReportStatus.DISPUTED}, "modérer ce signalement")
    decided = replace(report, moderation=moderation)
    if moderation.decision is ModerationDecision.REJECTED:
        return replace(decided, status=ReportStatus.REJECTED, closed_at=now)
    if report.notified_at is None:
        # Frozen by an e-invoice status before its notice went out: the notice goes out now.
        return replace(decided, status=ReportStatus.SUBMITTED)
    if report.publish_after is not None and report.publish_after > now:
        # The debtor keeps what is left of its grace period.
        return replace(decided, status=ReportStatus.NOTIFIED)
    return replace(decided, status=ReportStatus.PUBLISHED, published_at=report.published_at or now)


# What each freezing status says, for the moderator (a refused invoice is said not owed).
_FREEZING_REASONS = {207: DisputeReason.OTHER, 210: DisputeReason.NOT_OWED}


def invoice_status_received(report: Report, status: InvoiceStatus, *, min_listed_cents: int) -> Report | None:
    """A lifecycle status of the reported e-invoice: 207/210 freeze the report, 211/212 settle it, others are kept.

    Frozen, the report is disputed as by a contest (off the listing, in the
    moderator's queue); a report already disputed only records the status.
    Settled, it is as if the creditor recorded the full outstanding amount paid
    on the status's date. The same status (code and date) sent again changes
    nothing: None.
    """
    if status.code not in INVOICE_STATUS_LABELS:
        raise RuleNotMet(
            "Statut de facture inconnu.",
            [
                FieldError(
                    "code",
                    "statut_facture_inconnu",
                    f"Le statut {status.code} n'est pas un statut du cycle de vie des factures électroniques "
                    f"(de {min(INVOICE_STATUS_LABELS)} à {max(INVOICE_STATUS_LABELS)}).",
                )
            ],
        )
    if status.on > today_in_paris(status.received_at) or status.on < report.invoice.issue_date:
        raise RuleNotMet(
            "Date de statut invalide.",
            [
                FieldError(
                    "date",
                    "date_de_statut_invalide",
                    "La date du statut doit être passée et suivre la date de la facture.",
                )
            ],
        )
    if any(s.code == status.code and s.on == status.on for s in report.invoice_statuses):
        return None
    effect = effect_of(status.code)
    recorded = replace(report, invoice_statuses=(*report.invoice_statuses, status))
    if effect is StatusEffect.SETTLED:
        return payment_recorded(
            recorded,
            amount_cents=report.outstanding_cents,
            paid_on=status.on,
            now=status.received_at,
            actor=status.received_by,
            min_listed_cents=min_listed_cents,
        )
    if effect is StatusEffect.DISPUTED and report.status is ReportStatus.UNDER_REVIEW:
        # Nobody was told yet: the moderator checking the file sees the status beside it and decides then.
        return recorded
    if effect is StatusEffect.DISPUTED and report.status is not ReportStatus.DISPUTED:
        _require(report, OPEN_STATUSES, f"geler ce signalement (statut {status.code})")
        text = f"Cycle de vie de la facture électronique : {status.describe()}."
        if status.note:
            text += f" Motif : {status.note}"
        dispute = Dispute(
            DisputeKind.INVOICE_STATUS,
            _FREEZING_REASONS[status.code],
            text,
            status.received_at,
            was_published=report.status is ReportStatus.PUBLISHED,
        )
        return _opened(recorded, dispute)
    return recorded
