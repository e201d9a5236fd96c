"""What Ardoise prepares for the court step of an unpaid case: a request and its checklist, as plain data.

Two procedures, both after the amicable steps failed (the case is ``unpaid``):

- the **requête en injonction de payer** (CPC art. 1405 to 1407) to the
  president of the commercial court of the debtor's seat; art. 1407 lists what
  it must hold, on pain of inadmissibility: each party's form, name and seat,
  the exact amount with the breakdown of its elements, the basis of the claim,
  and the list of the documents produced with it;
- below 5,000 EUR in principal and interest, the **procédure simplifiée de
  recouvrement des petites créances** (CPCE art. L. 125-1, R. 125-1 to R. 125-8),
  run by a commissaire de justice of the ressort of the cour d'appel where the
  debtor has its seat: the creditor's request letter to that commissaire.

The composed request (:class:`CourtRequest`) is kept on the case's timeline as
it was prepared, so that its PDF can be drawn again to the byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from functions.core.domain.courts import Court
from functions.core.domain.penalties import Penalties
from functions.core.domain.reports import Invoice

# CPCE art. R. 125-1: the petites créances procedure, up to 5,000 EUR in principal and interest.
SMALL_CLAIM_LIMIT_CENTS = 5_000_00
# CPC art. 761 and 853 (decree 2019-1333): beyond 10,000 EUR a party is represented by a lawyer before the
# commercial court, which is where an opposition to the order brings the case.
LAWYER_THRESHOLD_CENTS = 10_000_00
# The greffe's regulated fees for a request (Code de commerce, art. R. 743-140 and the tariff's table of
# judicial acts: the order, the greffe's diligences including the debtor's K bis, the transmission of the
# order). The lines of the 2016 table add up to 30,89 EUR HT (37,07 EUR TTC); the tariff is revised every
# two years (the one in force from 1 March 2024 was not readable from here): the greffe states the exact sum.
GREFFE_FEE_SOURCE = (
    "Code de commerce, art. R. 743-140 et tarif réglementé des greffiers des tribunaux de commerce (actes de "
    "procédure d'injonction de payer : ordonnance 11,12 €, diligences 11,12 €, forfait de transmission "
    "8,65 € HT, tableau de 2016) ; tarif révisé tous les deux ans, montant exact indiqué par le greffe"
)
GREFFE_FEE_WORDING = "de l'ordre de 35 à 40 € TTC"


class Procedure(StrEnum):
    INJUNCTION = "injonction_de_payer"
    SMALL_CLAIM = "petites_creances"


PROCEDURE_LABELS = {
    Procedure.INJUNCTION: "requête en injonction de payer",
    Procedure.SMALL_CLAIM: "procédure simplifiée de recouvrement des petites créances",
}


@dataclass(frozen=True)
class Litigant:
    """A party as the request names it: the registry's identity when known, else what the creditor typed."""

    siren: str
    name: str
    legal_form: str  # French, from SIRENE's legal category ("" when the registry does not know the SIREN)
    seat: str  # the head office's address
    verified: bool  # from the SIRENE register (else typed, and the request says so)


@dataclass(frozen=True)
class Exhibit:
    """One document produced with the request (the bordereau des pièces), from the case's records."""

    number: int
    title: str
    detail: str = ""  # its date, how it went, its SHA-256 when Ardoise holds it


class CheckState(StrEnum):
    DONE = "done"  # what Ardoise's records or the registry show
    TO_DO = "to_do"  # what the creditor still has to do or join
    WARNING = "warning"  # a risk to weigh before filing
    INFO = "info"  # what the creditor should know


CHECK_STATE_LABELS = {
    CheckState.DONE: "Fait",
    CheckState.TO_DO: "À faire",
    CheckState.WARNING: "Attention",
    CheckState.INFO: "À savoir",
}


@dataclass(frozen=True)
class CheckItem:
    """One line of the checklist shipped with the request."""

    code: str
    state: CheckState
    label: str
    detail: str = ""


@dataclass(frozen=True)
class CourtRequest:
    """A request prepared from an unpaid case: who, where, how much and why, with its pieces and checklist."""

    procedure: Procedure
    case_id: str
    prepared_at: datetime
    prepared_on: date  # the day in Paris the interest runs to
    creditor: Litigant
    debtor: Litigant
    court: Court | None  # the injunction's court; for petites créances, None
    appeal_court: str  # the cour d'appel of the debtor's seat (the commissaire's ressort), "" when unknown
    invoice: Invoice
    principal_cents: int
    penalties: Penalties
    basis: tuple[str, ...]
    exhibits: tuple[Exhibit, ...]
    checklist: tuple[CheckItem, ...]
    commissaire: str = ""  # petites créances: the commissaire de justice the creditor names, when it does
    pdf_sha256: str = ""  # of the PDF drawn from this request, set once drawn
    pdf_size: int = 0

    @property
    def interest_cents(self) -> int:
        return self.penalties.interest_cents

    @property
    def indemnity_cents(self) -> int:
        return self.penalties.indemnity_cents

    @property
    def total_cents(self) -> int:
        """Principal, interest to date and the 40 EUR indemnity."""
        return self.principal_cents + self.penalties.total_cents
