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


class CollectiveProceeding(Model):
    """Procédure collective en cours selon le BODACC : le signal de risque le plus fort."""

    kind: Literal["sauvegarde", "redressement_judiciaire", "liquidation_judiciaire"]
    label: str = Field(description="En français, ex. « redressement judiciaire ».")
    under_plan: bool = Field(description="Un plan de sauvegarde ou de redressement a été arrêté.")
    opened_on: str = Field(description="Date du jugement d'ouverture (ou de conversion).")
    published_on: str = Field(description="Date de publication de l'annonce au BODACC.")
    court: str
    bodacc_url: str = Field(description="L'annonce au BODACC.")
    claims_deadline: str = Field(
        description="Dernier jour pour déclarer une créance au mandataire (deux mois après la publication)."
    )
    text: str = Field(description="Une phrase en français : la procédure, le tribunal, la date de publication.")


class Solvency(Model):
    """Synthèse de solvabilité d'une entreprise."""

    siren: str
    company: Identity | None
    open_reports: OpenReports
    settled_reports: SettledReports
    pending_disputes: int
    collective_proceeding: CollectiveProceeding | None = Field(
        default=None, description="Procédure collective ouverte selon le BODACC ; null s'il n'y en a pas."
    )
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


class LineError(Model):
    """Erreurs d'une ligne refusée (numéro de ligne dans le fichier, l'en-tête étant la ligne 1)."""

    line: int
    errors: list[dict[str, str]]


class WatchlistImport(Model):
    """Résultat d'un import : lignes reçues, entreprises ajoutées, déjà surveillées, erreurs ligne par ligne."""

    received: int
    added: int
    already_watched: int
    rejected: list[LineError]


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


class AlertChange(Model):
    """Un changement chez l'entreprise surveillée."""

    kind: Literal[
        "report.published", "report.settled", "charter.changed",
        "proceeding.opened", "proceeding.changed", "proceeding.closed",
    ]  # fmt: skip
    reference: str | None = Field(default=None, description="Référence publique du signalement (`pub_…`).")
    before: str | None = Field(default=None, description="Ancien statut de charte (charter.changed).")
    after: str | None = Field(default=None, description="Nouveau statut de charte (charter.changed).")
    proceeding: CollectiveProceeding | None = Field(
        default=None, description="La procédure collective (proceeding.*) ; null une fois close."
    )


class AlertSummary(Model):
    """La synthèse en bref après le changement."""

    payment_index: int | None
    grade: str | None
    open_reports: int
    outstanding_cents: int
    charter: str
    collective_proceeding: str | None = Field(default=None, description="La procédure en cours, en français.")


class AlertEvent(Model):
    """Corps d'une alerte de surveillance, signée selon Standard Webhooks (webhook-id, -timestamp, -signature)."""

    delivery_id: str
    type: Literal["company.changed", "company.proceeding_opened"] = Field(
        description="Type d'événement Standard Webhooks : company.proceeding_opened quand une procédure s'ouvre."
    )
    timestamp: str = Field(description="Quand le changement a eu lieu.")
    id: str
    at: str
    siren: str
    company_name: str
    changes: list[AlertChange]
    summary: AlertSummary
