"""Request and response models of the charter API (they also make its OpenAPI document)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, PlainSerializer
from pydantic_core import PydanticCustomError

from functions.core.clock import isoformat
from functions.core.validation import Email, Model, SingleLine, Siren, View

Version = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", description="Version de la charte lue.", examples=["2026-09"])]
# Every moment the charter answers with, to the second in UTC: the same text whether the
# signature comes fresh from the clock (verify) or back from the store (GET).
Moment = Annotated[dt.datetime, PlainSerializer(isoformat, return_type=str, when_used="json")]
StatusName = Literal["active", "suspended", "withdrawn", "outdated"]


def _accepted(value: bool) -> bool:
    if value is not True:
        raise PydanticCustomError("acceptation_requise", "Vous devez accepter explicitement la charte pour la signer.")
    return value


class SignatureForm(Model):
    """Une demande de signature de la charte, à confirmer par e-mail."""

    siren: Siren
    company_name: SingleLine = Field(min_length=2, max_length=200, description="Raison sociale.")
    representative_name: SingleLine = Field(min_length=2, max_length=120, description="Nom du représentant.")
    representative_role: SingleLine = Field(min_length=2, max_length=120, description="Fonction du représentant.")
    email: Email
    version: Version
    accepted: Annotated[bool, AfterValidator(_accepted)] = Field(
        description="Acceptation explicite : doit valoir true."
    )


class TokenForm(Model):
    """Le jeton reçu par e-mail."""

    token: SingleLine = Field(min_length=16, max_length=200)


class RegisterQuery(Model):
    """Filtres et pagination du registre."""

    status: StatusName | None = None
    prefix: SingleLine | None = Field(
        default=None, min_length=1, max_length=100, description="Début du nom de l'entreprise."
    )
    limit: int = Field(default=20, ge=1, le=100)
    cursor: SingleLine | None = Field(default=None, max_length=500)


class CommitmentView(View):
    """Un engagement de la charte."""

    number: int
    title: str
    text: str


class CharterText(View):
    """Une version de la charte."""

    version: str
    date: dt.date
    title: str
    current: bool
    superseded_on: dt.date | None
    preamble: str
    commitments: list[CommitmentView]
    closing: str
    markdown: str


class CharterVersionSummary(View):
    """Une version de la charte, sans son texte."""

    version: str
    date: dt.date
    title: str
    current: bool
    commitments: int


class CharterVersions(View):
    """Les versions publiées de la charte, la plus récente d'abord."""

    current_version: str
    versions: list[CharterVersionSummary]


class Suspension(View):
    """Pourquoi et depuis quand une signature est suspendue."""

    since: Moment
    reason: str
    reason_text: str


class PastSignatureView(View):
    """Une signature antérieure (version remplacée, ou signature retirée puis renouvelée)."""

    version: str
    signed_at: Moment
    ended_at: Moment


class SignatureView(View):
    """Une entreprise signataire, telle que le registre public la montre."""

    siren: str
    company_name: str
    version: str
    signed_at: Moment
    status: StatusName
    status_since: Moment
    suspension: Suspension | None = None
    withdrawn_at: Moment | None = None
    current_version: str
    page_url: str
    badge_url: str
    history: list[PastSignatureView]


class SignatureList(View):
    """Une page du registre des signataires."""

    items: list[SignatureView]
    next_cursor: str | None


class LinkSent(View):
    """Un lien a été envoyé (ou n'était pas nécessaire)."""

    status: Literal["verification_sent", "withdrawal_link_sent"]
    siren: str
    sent_to: Literal["requested_address", "signature_address"] | None = Field(
        description=(
            "À quelle adresse le lien est parti, sans rien en montrer : celle de la demande "
            "(`requested_address`) ou l'adresse vérifiée de la signature (`signature_address`) ; "
            "null quand rien n'a été envoyé."
        )
    )
    expires_at: Moment | None
    detail: str


class SignatureOutcome(View):
    """Le résultat d'une confirmation."""

    outcome: Literal["signed", "renewed", "reassigned", "unchanged", "pending", "refused", "withdrawn"]
    signature: SignatureView | None = Field(
        description=(
            "La signature inscrite au registre ; null quand la demande attend (`pending`) qu'un modérateur "
            "vérifie le lien du signataire avec l'entreprise : rien n'est public avant."
        )
    )


class ClaimView(View):
    """Une demande de signature en attente, telle que la voit un modérateur."""

    id: str
    siren: str
    typed_company_name: str = Field(description="Le nom saisi par le demandeur.")
    registry_name: str | None = Field(description="Le nom au répertoire SIRENE ; null quand il ne le connaît pas.")
    registry_address: str | None = Field(description="L'adresse du siège au répertoire SIRENE.")
    registry_active: bool | None = Field(description="Faux quand le répertoire dit l'entreprise cessée.")
    representative_name: str
    representative_role: str
    email: str
    charter_version: str
    verified_at: Moment
    expires_at: Moment


class ClaimList(View):
    """Les demandes de signature à vérifier, la plus ancienne d'abord."""

    items: list[ClaimView]
    next_cursor: str | None


class ClaimQuery(View):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = None


class ClaimDecision(View):
    """La décision d'un modérateur sur une demande de signature."""

    decision: Literal["approved", "refused"]
