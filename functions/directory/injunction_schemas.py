"""Request and response models of a case's court step: the injonction de payer or petites créances (its OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from functions.core.domain.court_requests import CheckState, Procedure
from functions.core.domain.penalties import Penalties
from functions.core.validation import Model, SingleLine


class CourtOut(Model):
    """Une juridiction : de la table d'Ardoise (son code), ou saisie par le créancier (code « autre »)."""

    code: str
    name: str
    appeal_court: str = Field(description="Siège de la cour d'appel dont elle relève (vide si inconnu).")
    address: str = ""


class CourtProposalOut(Model):
    """Ce que la table d'Ardoise propose pour le siège du débiteur ; le créancier confirme toujours."""

    departement: str | None = Field(description="Département du siège du débiteur, null s'il est inconnu.")
    basis: str = Field(description="D'où vient le siège : le répertoire SIRENE, ou l'adresse saisie.")
    candidates: list[CourtOut] = Field(
        description="Les juridictions du département dans la table (vide : département non couvert, à saisir)."
    )
    default: CourtOut | None = Field(description="La seule juridiction du département, à confirmer ; null sinon.")
    table_source: list[str] = Field(description="La source et la couverture de la table, telles qu'elle les écrit.")


class LitigantOut(Model):
    """Une partie telle que la requête la nomme."""

    siren: str
    name: str
    legal_form: str
    seat: str
    verified: bool = Field(description="Identité lue au répertoire SIRENE (sinon saisie par le créancier).")


class InterestPeriodOut(Model):
    start: date
    end: date
    days: int
    percent: Decimal = Field(
        description="Taux BCE du semestre majoré des points de pénalité (code de commerce, L441-10), en pour cent l'an."
    )
    cents: int
    base_cents: int = Field(
        description="Le principal restant dû sur la période, sur lequel les intérêts courent : chaque paiement "
        "partiel enregistré le réduit à compter du lendemain de sa date (imputé sur le principal)."
    )


def interest_periods_out(penalties: Penalties) -> list[InterestPeriodOut]:
    """Each period of the penalties with the balance it ran on, as the API answers it."""
    return [
        InterestPeriodOut(
            start=p.start, end=p.end, days=p.days, percent=p.percent, cents=p.cents, base_cents=p.base_cents
        )
        for p in penalties.periods
    ]


class AmountsOut(Model):
    """Le montant demandé et sa décomposition (CPC art. 1407)."""

    currency: Literal["EUR"] = "EUR"
    principal_cents: int = Field(description="Le reste dû sur la facture.")
    interest_cents: int = Field(description="Intérêts de retard (L. 441-10) du lendemain de l'échéance à ce jour.")
    interest_until: date
    interest_periods: list[InterestPeriodOut]
    indemnity_cents: int = Field(description="Indemnité forfaitaire pour frais de recouvrement (D. 441-5).")
    total_cents: int


class ExhibitOut(Model):
    number: int
    title: str
    detail: str


class CheckItemOut(Model):
    code: str
    state: CheckState = Field(description="done : fait ; to_do : à faire ; warning : attention ; info : à savoir.")
    label: str
    detail: str


class ProcedureDraftOut(Model):
    """Une procédure proposée, composée à ce jour sans rien garder : parties, montants, pièces, liste de contrôle."""

    procedure: Procedure
    label: str
    court: CourtOut | None = Field(description="Injonction de payer : la juridiction retenue ; null sinon.")
    appeal_court: str
    creditor: LitigantOut
    debtor: LitigantOut
    amounts: AmountsOut
    basis: list[str] = Field(description="Le fondement de la créance, tel que la requête l'écrit.")
    exhibits: list[ExhibitOut] = Field(description="Le bordereau des pièces produites.")
    checklist: list[CheckItemOut]


class CourtStepOut(Model):
    """L'étape judiciaire d'un dossier resté impayé : juridiction proposée et procédures possibles à ce jour."""

    case_id: str
    proposal: CourtProposalOut
    procedures: list[ProcedureDraftOut] = Field(
        description="L'injonction de payer, et la procédure des petites créances si le principal et les intérêts "
        "ne dépassent pas 5 000 € (CPCE art. R. 125-1)."
    )


class CourtRequestOut(ProcedureDraftOut):
    """Une requête préparée, gardée dans la chronologie du dossier, et son PDF prêt à signer."""

    case_id: str
    prepared_at: datetime
    commissaire: str
    pdf_url: str
    pdf_sha256: str
    pdf_size: int


class CourtChoiceIn(Model):
    """La juridiction confirmée par le créancier : un code de la table, ou une juridiction saisie (name)."""

    code: SingleLine | None = Field(
        default=None, max_length=60, description="Un code proposé par GET /cases/{id}/court (tribunal_inconnu)."
    )
    name: SingleLine | None = Field(
        default=None, min_length=3, max_length=200, description="Saisie : la juridiction, si la table ne l'a pas."
    )
    address: SingleLine | None = Field(default=None, max_length=300)
    appeal_court: SingleLine | None = Field(
        default=None, max_length=80, description="Siège de la cour d'appel (petites créances : ressort du commissaire)."
    )


class InjunctionIn(Model):
    """La procédure choisie et, pour l'injonction de payer, la juridiction confirmée (tribunal_a_confirmer)."""

    procedure: Procedure
    court: CourtChoiceIn | None = Field(
        default=None, description="Obligatoire pour l'injonction de payer ; petites créances : la cour d'appel."
    )
    signed_document: SingleLine | None = Field(
        default=None,
        max_length=300,
        description="Le document signé par le débiteur que vous joindrez (bon de commande, devis accepté...).",
    )
    commissaire: SingleLine | None = Field(
        default=None, max_length=200, description="Petites créances : le commissaire de justice choisi."
    )
