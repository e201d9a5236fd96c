"""The e-invoice lifecycle of a reported invoice: the creditor (or its platform) sends its statuses.

A status arrives as its code and date, or as the CDAR message itself
(:mod:`functions.core.einvoices.cdar`). What each code does is the domain's
(:func:`~functions.core.domain.lifecycle.invoice_status_received`); here the
status is dated, saved under the report's version, and the debtor told when
a settled report closes its case. ``Idempotency-Key`` is honoured by the edge;
the same status sent again without one changes nothing either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from functions.core.domain import lifecycle
from functions.core.domain.einvoice import InvoiceStatus, StatusEffect, effect_of, same_invoice_number
from functions.core.domain.members import Member
from functions.core.domain.reports import Report, ReportStatus
from functions.core.errors import FieldError, RuleNotMet
from functions.core.resources import Resources
from functions.core.usecases.directory.progress import change_report, own_report, tell_debtor_of_payment

EFFECT_DETAILS = {
    StatusEffect.DISPUTED: "Statut {label} : le signalement est gelé (rien n'est publié) jusqu'à la décision "
    "d'un modérateur.",
    StatusEffect.SETTLED: "Statut {label} : le signalement est réglé et retiré de l'annuaire.",
    StatusEffect.RECORDED: "Statut {label} enregistré : il ne change pas le signalement (seuls 207, 210, 211 et 212 "
    "le font).",
}
ALREADY = "Ce statut avait déjà été reçu : rien n'a changé."


@dataclass(frozen=True)
class StatusReceived:
    """What a status did: the report as it now stands, the status, its effect, and a French sentence."""

    report: Report
    status: InvoiceStatus
    effect: StatusEffect
    detail: str


def _from_cdar(report: Report, cdar: bytes) -> tuple[int, date, str]:
    from functions.core.einvoices.cdar import UnreadableCdar, read_cdar  # deferred: only CDAR senders pay for it

    try:
        message = read_cdar(cdar)
    except UnreadableCdar as exc:
        raise RuleNotMet("Message CDAR illisible.", [FieldError("cdar", "cdar_illisible", str(exc))]) from exc
    if message.invoice_number is not None and not same_invoice_number(message.invoice_number, report.invoice.number):
        raise RuleNotMet(
            "Ce message concerne une autre facture.",
            [
                FieldError(
                    "cdar",
                    "cdar_autre_facture",
                    f"Le message CDAR concerne la facture « {message.invoice_number} » (MDT-87), "
                    f"le signalement la facture « {report.invoice.number} ».",
                )
            ],
        )
    return message.code, message.on, message.reason


def receive_invoice_status(
    res: Resources,
    member: Member,
    report_id: str,
    *,
    code: int | None = None,
    on: date | None = None,
    note: str = "",
    cdar: bytes | None = None,
) -> StatusReceived:
    """Record a lifecycle status of the member's reported invoice (its code and date, or its CDAR message)."""
    report = own_report(res, member, report_id)
    if cdar is not None:
        code, on, reason = _from_cdar(report, cdar)
        note = note or reason
    assert code is not None and on is not None  # the route requires one form or the other
    status = InvoiceStatus(
        code=code,
        on=on,
        received_at=res.clock(),
        received_by=f"member:{member.id}",
        note=note,
        from_cdar=cdar is not None,
    )
    minimum = res.settings.min_amount_cents
    changed = change_report(
        res,
        report_id,
        lambda r: lifecycle.invoice_status_received(r, status, min_listed_cents=minimum),
        actor=status.received_by,
        action=f"report.invoice_status.{effect_of(code).value}",
    )
    if changed is None:
        current = own_report(res, member, report_id)
        return StatusReceived(current, status, effect_of(code), ALREADY)
    before, after = changed
    tell_debtor_of_payment(res, before, after)
    effect = effect_of(code)
    if effect is StatusEffect.DISPUTED and after.status is ReportStatus.UNDER_REVIEW:
        effect = StatusEffect.RECORDED  # not frozen: the moderator checking the file sees it and decides
    label = f"{code} « {status.label} »"
    return StatusReceived(after, status, effect, EFFECT_DETAILS[effect].format(label=label))
