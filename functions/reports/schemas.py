"""Request and response models of the solvency reports (they also write the OpenAPI)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from functions.core.validation import Model, SingleLine

MAX_BATCH = 100


class FormatQuery(Model):
    """Choix du format de la synthèse (sinon l'en-tête Accept décide)."""

    format: Literal["json", "html", "pdf"] | None = None


class OpenReports(Model):
    """Signalements publiés non réglés."""

    count: int
    outstanding_cents: int
    currency: str
    oldest_due_date: str | None
    worst_days_beyond_terms: int | None


class SettledReports(Model):
    """Signalements réglés sur la période."""

    count: int
    window_months: int
    average_days_to_settle: int | None = Field(description="Jours moyens entre l'échéance et le paiement.")


class CharterStatus(Model):
    """Statut vis-à-vis de la charte de paiement."""

    status: str = Field(description="active, suspended, withdrawn, outdated ou none.")
    since: str | None


class TrendPoint(Model):
    """L'indice et l'encours à une date passée."""

    as_of: str
    payment_index: int | None
    outstanding_cents: int
    months_ago: int | None = None


class Basis(Model):
    """Sur quoi l'indice est calculé."""

    reports: int
    experiences: int
    window_months: int


class Identity(Model):
    """Identité de l'entreprise."""

    siren: str
    name: str
    address: str
    postal_code: str
    city: str


class Solvency(Model):
    """Synthèse de solvabilité d'une entreprise."""

    siren: str
    company: Identity | None
    open_reports: OpenReports
    settled_reports: SettledReports
    pending_disputes: int
    charter: CharterStatus
    payment_index: int | None = Field(
        description="De 1 à 100 ; 80 = paie à l'échéance. Absent si données insuffisantes."
    )
    grade: str | None
    grade_label: str | None
    insufficient_data: bool
    basis: Basis
    trend: list[TrendPoint]
    history: list[TrendPoint]
    as_of: str
    computed_at: str


class BatchRequest(Model):
    """Jusqu'à 100 SIREN."""

    sirens: list[SingleLine] = Field(min_length=1, max_length=MAX_BATCH)


class ItemError(Model):
    """Erreur propre à un élément du lot."""

    type: str
    title: str
    detail: str


class BatchItem(Model):
    """Résultat pour un SIREN du lot : la synthèse ou une erreur."""

    input: str
    siren: str | None = None
    summary: Solvency | None = None
    error: ItemError | None = None


class BatchResponse(Model):
    """Résultats du lot, dans l'ordre des SIREN demandés."""

    counted: int
    results: list[BatchItem]


class Usage(Model):
    """Consommation du mois."""

    month: str
    plan: str
    quota: int
    summaries: int
    remaining: int
    calls: int = Field(description="Appels du mois autres que les synthèses unitaires (lots, surveillance, usage…).")
    resets_at: str


class WatchedCompany(Model):
    """Entreprise surveillée."""

    siren: str
    added_at: str | None = None
    watched: bool = True


class WatchlistPage(Model):
    """Une page de la liste de surveillance."""

    items: list[WatchedCompany]
    next_cursor: str | None


class PageQuery(Model):
    """Pagination."""

    limit: int = Field(default=100, ge=1, le=500)
    cursor: SingleLine | None = Field(default=None, max_length=500)


class WebhookRequest(Model):
    """Adresse qui recevra les alertes (POST JSON signé)."""

    url: SingleLine = Field(min_length=8, max_length=2000)


class WebhookSettings(Model):
    """Webhook enregistré ; le secret n'est montré qu'une fois."""

    url: str
    secret: str = Field(
        description=(
            "Secret Standard Webhooks (`whsec_` + base64 de la clé) pour vérifier `webhook-signature` "
            "avec les bibliothèques de référence ; conservez-le."
        )
    )
    previous_secret_expires_at: str | None = Field(
        description=(
            "Quand un secret était déjà en place : jusqu'à quand (UTC) il signe encore, à côté du nouveau "
            "(deux signatures dans `webhook-signature`) ; null sinon."
        )
    )


class Delivery(Model):
    """Une alerte et ses tentatives de livraison."""

    alert: dict[str, object]
    subscriber_id: str
    status: str
    attempts: list[dict[str, object]]


class DeliveryLog(Model):
    """Les dernières livraisons d'alertes."""

    items: list[Delivery]
