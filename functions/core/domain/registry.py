"""The official registry: a company's identity (INSEE SIRENE) and its collective proceedings (DILA BODACC).

Pure rules, the clock passed in:

- :class:`CompanyIdentity` is what SIRENE says of a legal unit and its head office;
- :func:`proceeding_at` reads a company's BODACC judgments as a timeline and
  says which collective proceeding is open on a given day (sauvegarde,
  redressement, liquidation judiciaire, a plan being carried out) or none;
- :func:`registry_gates` are the filing gates (stable codes ``entreprise_cessee``,
  ``procedure_collective``) and :func:`public_name` the one rule every public
  surface asks for the name it may show.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from functions.core.french import long_date
from functions.core.text import fold

# categorieJuridiqueUniteLegale of a natural person trading alone (INSEE's level-III nomenclature).
SOLE_TRADER_CATEGORY = "1000"
# How long creditors have to declare their claims to the court's representative, from the
# BODACC publication of the opening judgment (Code de commerce, R. 622-24).
CLAIM_DECLARATION_MONTHS = 2


@dataclass(frozen=True, slots=True)
class Address:
    """A head office's postal address as SIRENE writes it (upper case, abbreviated street type)."""

    street_number: str = ""
    street_type: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    city_code: str = ""  # INSEE's code of the commune (not the postal code)

    @property
    def street_line(self) -> str:
        return " ".join(part for part in (self.street_number, self.street_type, self.street) if part)

    def __str__(self) -> str:
        return ", ".join(part for part in (self.street_line, f"{self.postal_code} {self.city}".strip()) if part)


@dataclass(frozen=True, slots=True)
class CompanyIdentity:
    """What INSEE's SIRENE says of a legal unit (``unité légale``) and of its head office."""

    siren: str
    name: str  # denominationUniteLegale, or first name and surname for a natural person
    legal_category: str  # categorieJuridiqueUniteLegale
    active: bool  # etatAdministratifUniteLegale: A (active) or C (ceased)
    state_since: date | None  # dateDebut of the current period: when the state (and name) took effect
    diffusible: bool  # statutDiffusionUniteLegale: O (open) or P (partially diffusible)
    naf_code: str = ""  # activitePrincipaleUniteLegale
    workforce_band: str = ""  # trancheEffectifsUniteLegale
    created_on: date | None = None  # dateCreationUniteLegale
    head_office_nic: str = ""  # nicSiegeUniteLegale
    head_office: Address | None = None  # from the establishments file, when imported
    updated: str = ""  # dateDernierTraitementUniteLegale: orders the files' versions of the unit

    @property
    def sole_trader(self) -> bool:
        return self.legal_category == SOLE_TRADER_CATEGORY

    @property
    def ceased_on(self) -> date | None:
        """The day the company ceased (the start of its ceased period), None while active."""
        return None if self.active else self.state_since

    @property
    def nameable(self) -> bool:
        """Whether the public may read the company's name: never a natural person's, nor a protected record.

        A sole trader's name is a person's name (personal data); a record INSEE
        marks partially diffusible (``P``) is one whose holder objected to its
        diffusion (Code de commerce, A. 123-96).
        """
        return self.diffusible and not self.sole_trader


@dataclass(frozen=True, slots=True)
class HeadOffice:
    """A legal unit's head office as SIRENE's establishments file has it (the establishment that is its seat)."""

    siren: str
    nic: str  # the establishment's number within the SIREN
    street_number: str = ""  # with its repetition index ("12 bis")
    street_type: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    city_code: str = ""
    updated: str = ""  # dateDernierTraitementEtablissement: orders the files' versions of the establishment

    @property
    def address(self) -> Address:
        return Address(self.street_number, self.street_type, self.street, self.postal_code, self.city, self.city_code)


def with_head_office(unit: CompanyIdentity, seat: HeadOffice | None) -> CompanyIdentity:
    """The identity with its head office's address, when that establishment is the unit's seat.

    An establishment file may be newer than the units file: a head office that
    moved (another ``nic`` than the unit names) is not taken for the seat.
    """
    if seat is None or (unit.head_office_nic and seat.nic != unit.head_office_nic):
        return unit
    return replace(unit, head_office=seat.address)


# -- public names ------------------------------------------------------------------------------

UNVERIFIED = "identité non vérifiée au répertoire SIRENE"
WITHHELD = "Entrepreneur individuel (nom non diffusé)"
PROTECTED = "Entreprise (nom non diffusible)"


@dataclass(frozen=True, slots=True)
class PublicName:
    """The name a public surface shows for a SIREN, and where it comes from."""

    text: str
    verified: bool  # from the registry (else: what someone typed, unverified)
    withheld: bool = False  # the registry forbids naming it: ``text`` says so instead

    @property
    def note(self) -> str:
        """What the surface says beside the name when it is not the registry's."""
        return "" if self.verified else UNVERIFIED


def public_name(identity: CompanyIdentity | None, typed: str) -> PublicName:
    """The one rule for the name the public sees: the registry's when it knows the SIREN, never the typed one.

    A sole trader or a record closed to diffusion is never named: the surface
    shows a neutral label instead. When the registry does not know the SIREN,
    the typed name is shown as it is today, marked unverified.
    """
    if identity is None:
        return PublicName(typed, verified=False)
    if not identity.nameable:
        return PublicName(WITHHELD if identity.sole_trader else PROTECTED, verified=True, withheld=True)
    return PublicName(identity.name, verified=True)


def public_address(identity: CompanyIdentity | None) -> Address | None:
    """The head office address the public may see: never a natural person's (it is often their home)."""
    if identity is None or not identity.nameable:
        return None
    return identity.head_office


def name_matches(identity: CompanyIdentity, typed: str) -> bool:
    """Whether what someone typed is the registry's name, folded (accents, case, punctuation ignored)."""
    return fold(identity.name) == fold(typed)


# -- collective proceedings (BODACC) -----------------------------------------------------------


class ProceedingKind(StrEnum):
    SAUVEGARDE = "sauvegarde"
    REDRESSEMENT = "redressement_judiciaire"
    LIQUIDATION = "liquidation_judiciaire"


KIND_LABELS = {
    ProceedingKind.SAUVEGARDE: "procédure de sauvegarde",
    ProceedingKind.REDRESSEMENT: "redressement judiciaire",
    ProceedingKind.LIQUIDATION: "liquidation judiciaire",
}


class JudgmentEffect(StrEnum):
    """What a judgment does to the proceeding's timeline."""

    OPENING = "ouverture"  # opens a proceeding of ``kind``
    CONVERSION = "conversion"  # turns the open proceeding (or a plan) into ``kind``
    PLAN = "plan"  # a plan of sauvegarde or redressement: the observation period ends
    CLOSURE = "cloture"  # the proceeding ends (closure, end of the plan's execution)
    OTHER = "autre"  # recorded, changes nothing (lists of claims, extensions of time...)


@dataclass(frozen=True, slots=True)
class Judgment:
    """One BODACC notice of a judgment about a company's collective proceedings."""

    notice_id: str  # BODACC's ``id`` (such as A202400871234)
    effect: JudgmentEffect
    kind: ProceedingKind | None  # the proceeding a judgment opens or converts to
    nature: str  # as BODACC writes it (``jugement.nature``)
    judged_on: date | None  # ``jugement.date``
    published_on: date  # ``dateparution``
    court: str  # ``tribunal``
    url: str  # ``url_complete``
    cancelled: bool = False  # a later notice (``typeavis`` annulation) withdrew this one


@dataclass(frozen=True, slots=True)
class Cancellation:
    """A later BODACC notice withdrew the notice ``notice_id`` (it may be imported before the notice itself)."""

    notice_id: str


@dataclass(frozen=True, slots=True)
class Proceeding:
    """The collective proceeding open on a day: its kind, when and where it opened, and its stage."""

    kind: ProceedingKind
    opened: Judgment  # the opening (or conversion) judgment
    under_plan: bool = False
    history: tuple[Judgment, ...] = field(default=())
    closed_by: Judgment | None = None  # set on a proceeding that ended (see :func:`last_proceeding`)

    @property
    def key(self) -> str:
        """The proceeding's identity across conversions and plans: its first opening notice's id."""
        return (self.history[0] if self.history else self.opened).notice_id

    @property
    def quashed(self) -> bool:
        """Whether it ended because the opening judgment was quashed on appeal: as if it never opened."""
        return self.closed_by is not None and "infirmant" in fold(self.closed_by.nature)

    def suspends(self, invoice_issued: date | None) -> bool:
        """Whether a claim born of an invoice issued on that day may not be pursued alone (L. 622-21).

        While a proceeding runs, creditors of debts born before the opening
        declare them to the court's representative instead of pursuing the
        debtor; under a plan, a debt born after the opening judgment may be
        pursued again.
        """
        if self.closed_by is not None:
            return not self.quashed
        return not (self.under_plan and invoice_issued is not None and invoice_issued >= self.opened_on)

    @property
    def label(self) -> str:
        return ("plan de " if self.under_plan else "") + KIND_LABELS[self.kind].removeprefix("procédure de ")

    @property
    def opened_on(self) -> date:
        return self.opened.judged_on or self.opened.published_on

    @property
    def claims_deadline(self) -> date:
        """The last day to declare a claim to the court's representative: two months after the notice."""
        return add_months(self.opened.published_on, CLAIM_DECLARATION_MONTHS)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter (31 Dec + 2 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _effective(judgment: Judgment) -> date:
    return judgment.judged_on or judgment.published_on


def proceeding_at(judgments: Iterable[Judgment], today: date) -> Proceeding | None:
    """The proceeding open on ``today`` from a company's judgments (in any order), or None.

    Judgments apply in the order of their dates (a judgment known only by its
    notice counts from its publication); a notice BODACC published but that a
    later one cancelled counts for nothing; a judgment dated after ``today``
    is not applied yet.
    """
    last = last_proceeding(judgments, today)
    return last if last is not None and last.closed_by is None else None


def last_proceeding(judgments: Iterable[Judgment], today: date) -> Proceeding | None:
    """The proceeding open on ``today``, else the last one that ended (``closed_by`` set), else None."""
    timeline = sorted(
        (j for j in judgments if not j.cancelled and _effective(j) <= today),
        key=lambda j: (_effective(j), j.published_on, j.notice_id),
    )
    current: Proceeding | None = None
    for judgment in timeline:
        if current is not None and current.closed_by is not None and judgment.effect is not JudgmentEffect.OPENING:
            if judgment.effect is not JudgmentEffect.CONVERSION:
                continue  # what follows a closure (a late notice) changes nothing
            current = None
        if judgment.effect is JudgmentEffect.OPENING and judgment.kind is not None:
            if current is None or judgment.kind is not current.kind or current.under_plan or current.closed_by:
                current = Proceeding(judgment.kind, judgment, history=(judgment,))
            else:  # the same opening published twice (a rectification): keep the first
                current = Proceeding(current.kind, current.opened, history=(*current.history, judgment))
        elif judgment.effect is JudgmentEffect.CONVERSION and judgment.kind is not None:
            current = Proceeding(judgment.kind, judgment, history=(*(current.history if current else ()), judgment))
        elif judgment.effect is JudgmentEffect.PLAN and current is not None:
            current = Proceeding(current.kind, current.opened, True, (*current.history, judgment))
        elif judgment.effect is JudgmentEffect.CLOSURE:
            if current is not None:
                current = replace(current, history=(*current.history, judgment), closed_by=judgment)
            elif "insuffisance d actif" in fold(judgment.nature):
                # Only a liquidation closes for insufficient assets: its opening may predate the imports.
                current = Proceeding(ProceedingKind.LIQUIDATION, judgment, history=(judgment,), closed_by=judgment)
    return current


# Read in order, first match wins: (words all present, words all absent, effect). Folded text.
_JUDGMENT_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...], JudgmentEffect], ...] = (
    (("cloture",), (), JudgmentEffect.CLOSURE),
    (("mettant fin",), (), JudgmentEffect.CLOSURE),
    (("infirmant",), (), JudgmentEffect.CLOSURE),  # the opening judgment quashed on appeal
    (("avis de depot",), (), JudgmentEffect.OTHER),  # lists of claims, of the representative's accounts
    (("extension",), (), JudgmentEffect.OTHER),
    (("conversion",), (), JudgmentEffect.CONVERSION),
    (("liquidation judiciaire", "prononcant"), (), JudgmentEffect.CONVERSION),  # a plan's resolution, or later
    (("ouverture",), (), JudgmentEffect.OPENING),
    (("plan", "cession"), (), JudgmentEffect.OTHER),  # a sale plan: the proceeding carries on
    (("arretant le plan",), (), JudgmentEffect.PLAN),
    (("arrete le plan",), (), JudgmentEffect.PLAN),
)


def classify_judgment(family: str, nature: str) -> tuple[JudgmentEffect, ProceedingKind | None]:
    """Read what a judgment does from BODACC's ``jugement.famille`` and ``jugement.nature`` (French text).

    The wording varies across courts and years ("Jugement d'ouverture d'une
    procédure de redressement judiciaire", "Jugement de conversion en
    liquidation judiciaire", "Jugement prononçant la résolution du plan de
    redressement et la liquidation judiciaire", "Jugement de clôture pour
    insuffisance d'actif"...): it is matched on folded words.
    """
    text = fold(f"{family} {nature}")
    kind: ProceedingKind | None = None
    if "liquidation judiciaire" in text:
        kind = ProceedingKind.LIQUIDATION
    elif "redressement" in text:
        kind = ProceedingKind.REDRESSEMENT
    elif "sauvegarde" in text:
        kind = ProceedingKind.SAUVEGARDE
    for present, absent, effect in _JUDGMENT_RULES:
        if all(word in text for word in present) and not any(word in text for word in absent):
            if effect in (JudgmentEffect.OPENING, JudgmentEffect.CONVERSION) and kind is None:
                return JudgmentEffect.OTHER, None
            return effect, kind
    return JudgmentEffect.OTHER, kind


# -- gates -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GateFailure:
    """A registry gate a filing does not pass: a stable code and the French message a creditor reads."""

    code: str
    message: str


CEASED = "entreprise_cessee"
IN_PROCEEDINGS = "procedure_collective"


def ceased_wording(identity: CompanyIdentity) -> str:
    """What a page says of a ceased company ("entreprise cessée le 3 mars 2021")."""
    return ceased_on_wording(identity.ceased_on)


def ceased_on_wording(since: date | None) -> str:
    """The same from the day it ceased (unknown: no date)."""
    return f"entreprise cessée le {long_date(since)}" if since else "entreprise cessée"


def proceeding_wording(proceeding: Proceeding) -> str:
    """One French sentence naming the proceeding, its court and the BODACC notice's date."""
    opened = proceeding.opened
    court = f" ({opened.court})" if opened.court else ""
    return (
        f"{proceeding.label.capitalize()} ouvert{'e' if proceeding.kind is not ProceedingKind.REDRESSEMENT else ''}"
        f" le {long_date(proceeding.opened_on)}{court}, publié au BODACC le {long_date(opened.published_on)}"
    )


def registry_gates(
    identity: CompanyIdentity | None, proceeding: Proceeding | None, *, invoice_issued: date | None = None
) -> list[GateFailure]:
    """The registry's reasons to refuse a filing against a company; empty when none (or when it is unknown).

    A company under a plan may be pursued for debts born after the opening
    judgment; an invoice issued before it belongs to the plan's liabilities.
    """
    failures: list[GateFailure] = []
    if identity is not None and not identity.active:
        failures.append(
            GateFailure(
                CEASED,
                f"Le répertoire SIRENE indique : {ceased_wording(identity)}. Une entreprise cessée n'est pas signalée.",
            )
        )
    if proceeding is not None and proceeding.closed_by is None and proceeding.suspends(invoice_issued):
        failures.append(
            GateFailure(
                IN_PROCEEDINGS,
                f"{proceeding_wording(proceeding)}. Les poursuites individuelles sont suspendues : déclarez votre "
                f"créance au mandataire judiciaire au plus tard le {long_date(proceeding.claims_deadline)} "
                "(deux mois après la publication au BODACC).",
            )
        )
    return failures
