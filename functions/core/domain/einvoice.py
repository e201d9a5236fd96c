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


# (business term, French label, the filing's field), in the order a moderator reads them
TERMS = {
    "BT-1": ("numéro de facture", "invoice.number"),
    "BT-2": ("date d'émission", "invoice.issue_date"),
    "BT-9": ("date d'échéance", "invoice.due_date"),
    "BT-115": ("montant à payer", "invoice.amount_cents"),
    "BT-30": ("SIREN du vendeur", "creditor_siren"),
    "BT-47": ("SIREN de l'acheteur", "debtor.siren"),
    "BT-5": ("devise", "currency"),
}
# The invoice's own terms, which a filing citing an e-invoice may leave out; the parties it always gives.
INVOICE_TERMS = ("BT-1", "BT-2", "BT-9", "BT-115")
CURRENCY = "EUR"  # the directory's only currency

Value = str | date | int | None


class Agreement(StrEnum):
    """How one business term of the e-invoice stands against the filing."""

    AGREED = "agreed"  # both say the same
    MISMATCH = "mismatch"  # they differ: the filing is refused (facture_incoherente)
    TAKEN = "taken_from_einvoice"  # the filing left it out: the report holds the e-invoice's value
    NOT_CARRIED = "not_carried"  # the e-invoice does not say it (BT-9 given in words): the filing's value stands


@dataclass(frozen=True)
class TermComparison:
    """One business term: what the filing said (None: left out), what the e-invoice carries, and whether they agree."""

    term: str
    filed: Value
    carried: Value
    agreement: Agreement

    @property
    def label(self) -> str:
        return TERMS[self.term][0]

    @property
    def field(self) -> str:
        return TERMS[self.term][1]


def same_invoice_number(a: str, b: str) -> bool:
    """Whether two invoice numbers are the same: spacing and case are not a difference worth refusing."""
    return "".join(a.split()).casefold() == "".join(b.split()).casefold()


def _term(term: str, filed: Value, carried: Value) -> TermComparison:
    if filed is None:
        agreement = Agreement.NOT_CARRIED if carried is None else Agreement.TAKEN
    elif carried is None:
        agreement = Agreement.NOT_CARRIED
    elif isinstance(filed, str) and isinstance(carried, str) and term == "BT-1":
        agreement = Agreement.AGREED if same_invoice_number(carried, filed) else Agreement.MISMATCH
    else:
        agreement = Agreement.AGREED if carried == filed else Agreement.MISMATCH
    return TermComparison(term, filed, carried, agreement)


def _party(term: str, filed: str, carried: str | None) -> TermComparison:
    # An e-invoice that does not name a party by SIREN cannot prove whose debt it is: no "not carried" here.
    return TermComparison(term, filed, carried, Agreement.AGREED if carried == filed else Agreement.MISMATCH)


def compare(einvoice: EInvoice, filed: Filed) -> list[TermComparison]:
    """Set each business term of the e-invoice against the filing, in :data:`TERMS`' order.

    BT-115 is what the invoice asked to be paid: the filing's invoice amount
    (its outstanding amount may be lower, after partial payments). A term the
    filing left out is no mismatch: it is taken from the e-invoice. The parties
    are always checked: the seller must be the member's company and the buyer
    the debtor.
    """
    return [
        _term("BT-1", filed.number, einvoice.number),
        _term("BT-2", filed.issue_date, einvoice.issue_date),
        _term("BT-9", filed.due_date, einvoice.due_date),
        _term("BT-115", filed.amount_cents, einvoice.amount_due_cents),
        _party("BT-30", filed.member_siren, einvoice.seller_siren),
        _party("BT-47", filed.debtor_siren, einvoice.buyer_siren),
        _party("BT-5", CURRENCY, einvoice.currency),
    ]


def _said(term: str, value: Value, *, filing: bool) -> str:
    """A term's value in a French sentence (« la facture électronique indique … »)."""
    if term in ("BT-30", "BT-47"):
        if filing:
            return f"le SIREN du {'membre' if term == 'BT-30' else 'débiteur'}, {value}"
        return f"le SIREN {value}" if value else "aucun SIREN"
    if term == "BT-5" and filing:
        return "des euros (seule devise de l'annuaire)"
    if isinstance(value, date):
        return f"le {short_date(value)}"
    if isinstance(value, int):
        return format_eur(value)
    return f"« {value} »"


def cross_check(einvoice: EInvoice, filed: Filed) -> list[FieldError]:
    """Return one error per business term of the e-invoice that disagrees with the filing (empty: coherent)."""
    return [
        FieldError(
            row.field,
            MISMATCH_CODE,
            f"{row.term} ({row.label}) : la facture électronique indique {_said(row.term, row.carried, filing=False)}, "
            f"le signalement {_said(row.term, row.filed, filing=True)}.",
        )
        for row in compare(einvoice, filed)
        if row.agreement is Agreement.MISMATCH
    ]


def taken_terms(einvoice: EInvoice | None, filed: Filed) -> dict[str, Value]:
    """The invoice terms the filing left out that the e-invoice carries: the report holds them (``{"BT-1": …}``)."""
    if einvoice is None:
        return {}
    return {row.term: row.carried for row in compare(einvoice, filed) if row.agreement is Agreement.TAKEN}


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
