"""E-invoices (EN 16931: Factur-X, CII, UBL): what Ardoise reads of one, its cross-check, its lifecycle statuses.

An e-invoice attached to a report proves what the creditor typed: each
business term (BT) it carries must agree with the filing; a term the filing
left out is no mismatch (its value is the e-invoice's).
Reading the file is an adapter's work (``functions/core/einvoices``); this
module is pure.

The lifecycle statuses are those of the French e-invoicing reform (the
platforms' CDAR messages). Four of them change a report: 207 "En litige" and
210 "Refusée" freeze it as disputed (a moderator decides), 211 "Paiement
transmis" and 212 "Encaissée" settle it; the others are recorded without
effect. Described in docs/directory.md, "E-invoices".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from functions.core.errors import FieldError
from functions.core.french import format_eur, short_date

# Each mismatch is a field error with this code, its message naming the business term.
MISMATCH_CODE = "facture_incoherente"


class InvoiceSyntax(StrEnum):
    """How the e-invoice was written."""

    FACTURX = "factur-x"  # a PDF carrying CII XML
    CII = "cii"
    UBL = "ubl"


@dataclass(frozen=True)
class EInvoice:
    """The business terms of an EN 16931 invoice that a report relies on (amounts in integer cents)."""

    syntax: InvoiceSyntax
    number: str  # BT-1
    issue_date: date  # BT-2
    due_date: date | None  # BT-9 (optional in EN 16931: payment terms may say it in words)
    amount_due_cents: int  # BT-115
    currency: str  # BT-5
    seller_siren: str | None  # BT-30, when it is a SIREN (or a SIRET, whose first nine digits are kept)
    buyer_siren: str | None  # BT-47, likewise


@dataclass(frozen=True)
class Filed:
    """What a filing says of the invoice and its parties (None: left out, to be taken from the e-invoice)."""

    member_siren: str
    debtor_siren: str
    number: str | None
    issue_date: date | None
    due_date: date | None
    amount_cents: int | None


# (business term, French label, the filing's field)
TERMS = {
    "BT-1": ("numéro de facture", "invoice.number"),
    "BT-2": ("date d'émission", "invoice.issue_date"),
    "BT-9": ("date d'échéance", "invoice.due_date"),
    "BT-115": ("montant à payer", "invoice.amount_cents"),
    "BT-30": ("SIREN du vendeur", "creditor_siren"),
    "BT-47": ("SIREN de l'acheteur", "debtor.siren"),
    "BT-5": ("devise", "currency"),
}


def _mismatch(term: str, carried: str, filed: str) -> FieldError:
    label, field = TERMS[term]
    return FieldError(
        field,
        MISMATCH_CODE,
        f"{term} ({label}) : la facture électronique indique {carried}, le signalement {filed}.",
    )


def same_invoice_number(a: str, b: str) -> bool:
    """Whether two invoice numbers are the same: spacing and case are not a difference worth refusing."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def cross_check(einvoice: EInvoice, filed: Filed) -> list[FieldError]:
    """Return one error per business term of the e-invoice that disagrees with the filing (empty: coherent).

    BT-115 is what the invoice asked to be paid: the filing's invoice amount
    (its outstanding amount may be lower, after partial payments). A term the
    filing left out is not a mismatch: it is taken from the
    e-invoice. The parties are always checked: the seller must be the member's
    company and the buyer the debtor; an e-invoice that names neither by SIREN
    cannot prove whose debt it is.
    """
    errors: list[FieldError] = []
    if einvoice.currency != "EUR":
        errors.append(_mismatch("BT-5", f"« {einvoice.currency} »", "des euros (seule devise de l'annuaire)"))
    if filed.number is not None and not same_invoice_number(einvoice.number, filed.number):
        errors.append(_mismatch("BT-1", f"« {einvoice.number} »", f"« {filed.number} »"))
    if filed.issue_date is not None and einvoice.issue_date != filed.issue_date:
        errors.append(_mismatch("BT-2", f"le {short_date(einvoice.issue_date)}", f"le {short_date(filed.issue_date)}"))
    if filed.due_date is not None and einvoice.due_date is not None and einvoice.due_date != filed.due_date:
        errors.append(_mismatch("BT-9", f"le {short_date(einvoice.due_date)}", f"le {short_date(filed.due_date)}"))
    if filed.amount_cents is not None and einvoice.amount_due_cents != filed.amount_cents:
        errors.append(_mismatch("BT-115", format_eur(einvoice.amount_due_cents), format_eur(filed.amount_cents)))
    if einvoice.seller_siren != filed.member_siren:
        carried = f"le SIREN {einvoice.seller_siren}" if einvoice.seller_siren else "aucun SIREN"
        errors.append(_mismatch("BT-30", carried, f"le SIREN du membre, {filed.member_siren}"))
    if einvoice.buyer_siren != filed.debtor_siren:
        carried = f"le SIREN {einvoice.buyer_siren}" if einvoice.buyer_siren else "aucun SIREN"
        errors.append(_mismatch("BT-47", carried, f"le SIREN du débiteur, {filed.debtor_siren}"))
    return errors


def mismatching_terms(errors: list[FieldError]) -> list[str]:
    """The business terms named by a cross-check's errors, in order (``["BT-1", "BT-115"]``)."""
    return [error.message.split(" ", 1)[0] for error in errors if error.code == MISMATCH_CODE]


# -- lifecycle ------------------------------------------------------------------------

INVOICE_STATUS_LABELS = {
    200: "Déposée",
    201: "Émise par la plateforme",
    202: "Reçue par la plateforme",
    203: "Mise à disposition",
    204: "Prise en charge",
    205: "Approuvée",
    206: "Approuvée partiellement",
    207: "En litige",
    208: "Suspendue",
    209: "Complétée",
    210: "Refusée",
    211: "Paiement transmis",
    212: "Encaissée",
    213: "Rejetée",
    214: "Visée",
}
# The buyer contests the invoice: the report is frozen until a moderator decides.
FREEZING_STATUSES = frozenset({207, 210})
# The invoice is paid: the report is settled, as by a full payment the creditor records.
SETTLING_STATUSES = frozenset({211, 212})


class StatusEffect(StrEnum):
    """What a lifecycle status did to the report."""

    DISPUTED = "disputed"
    SETTLED = "settled"
    RECORDED = "recorded"  # kept in the report's history, no change of status


def effect_of(code: int) -> StatusEffect:
    """What a known status code does to a report."""
    if code in FREEZING_STATUSES:
        return StatusEffect.DISPUTED
    if code in SETTLING_STATUSES:
        return StatusEffect.SETTLED
    return StatusEffect.RECORDED


@dataclass(frozen=True)
class InvoiceStatus:
    """One lifecycle status of a reported invoice, as its creditor (or its platform) sent it."""

    code: int
    on: date  # the status's own date (the CDAR message's), not when Ardoise received it
    received_at: datetime
    received_by: str
    note: str = ""  # the reason a CDAR message (or the creditor) gave
    from_cdar: bool = False

    @property
    def label(self) -> str:
        return INVOICE_STATUS_LABELS.get(self.code, str(self.code))

    def describe(self) -> str:
        """French: « statut 207 « En litige » du 12/02/2026 »."""
        return f"statut {self.code} « {self.label} » du {short_date(self.on)}"
