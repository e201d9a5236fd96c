"""Request and response models of the directory (they also write its OpenAPI)."""

from __future__ import annotations

import datetime as dt  # a field named ``date`` cannot be annotated with the bare name
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, ConfigDict, Field, RootModel

from functions.core.domain.ardoise_proofs import ProofKind
from functions.core.domain.documents import DocumentKind
from functions.core.domain.evidence import MAX_EVIDENCE_FILES
from functions.core.domain.lifecycle import MIN_DISPUTE_TEXT
from functions.core.domain.reports import (
    DebtorAction,
    DisputeReason,
    ModerationDecision,
    NoticeChannel,
    ReportStatus,
    ReviewDecision,
)
from functions.core.domain.scenarios import Channel
from functions.core.validation import Cents, Email, Model, MultiLine, SingleLine, Siren, XmlDocument, worded_error

# -- members ---------------------------------------------------------------


class MemberRegistration(Model):
    """Inscription d'un créancier (entreprise)."""

    siren: Siren
    company_name: SingleLine = Field(min_length=2, max_length=200)
    contact_name: SingleLine = Field(min_length=2, max_length=120)
    email: Email


class MemberPending(Model):
    """Inscription enregistrée : un code de vérification a été envoyé par e-mail."""

    id: str
    siren: str
    status: str
    detail: str


class MemberVerification(Model):
    """Le code reçu par e-mail."""

    token: SingleLine = Field(min_length=10, max_length=200)


class MemberCredentials(Model):
    """Le jeton d'accès du membre, affiché une seule fois ; il ne sert qu'après validation par un modérateur."""

    member_id: str
    siren: str
    company_name: str
    api_token: str
    status: str
    detail: str


class MemberOut(Model):
    """Un membre, tel que le voient les modérateurs (jamais son jeton)."""

    id: str
    siren: str
    company_name: str
    contact_name: str
    email: str
    status: str
    created_at: datetime
    verified_at: datetime | None
    decided_at: datetime | None


class PendingMembers(Model):
    """Les membres dont l'identité reste à vérifier, le plus ancien d'abord."""

    items: list[MemberOut]


class MemberDecisionIn(Model):
    """La décision d'un modérateur après vérification de l'identité de l'entreprise."""

    decision: Literal["approved", "refused"]
    note: MultiLine = Field(
        default="", max_length=2000, description="Envoyée au membre ; obligatoire pour un refus (motif)."
    )


# -- filing ------------------------------------------------------------------


class DebtorIn(Model):
    """Le débiteur : une entreprise, joignable par e-mail et/ou par courrier."""

    siren: SingleLine = Field(min_length=1, max_length=20, description="SIREN du débiteur (vérifié par les règles).")
    name: SingleLine = Field(min_length=2, max_length=200)
    email: Email | None = None
    postal_address: MultiLine = Field(default="", max_length=500)


# Said of each invoice term a cited e-invoice carries: left out only then (the e-invoice is no default otherwise).
_FROM_EINVOICE = (
    "Facultatif seulement si la facture citée est une facture électronique (Factur-X, UBL ou CII) qui le porte "
    "({term}) : il y est alors lu ; sinon obligatoire (400 missing). Donné, il doit être celui de la facture "
    "électronique (422 facture-incoherente)."
)


class InvoiceIn(Model):
    """La facture impayée ; avec une facture électronique citée, les champs qu'elle porte peuvent être omis."""

    number: SingleLine | None = Field(
        default=None, min_length=1, max_length=60, description=_FROM_EINVOICE.format(term="BT-1")
    )
    issue_date: date | None = Field(
        default=None,
        description="Dans les 5 dernières années, aujourd'hui compris (facture_trop_ancienne, facture_future). "
        + _FROM_EINVOICE.format(term="BT-2"),
    )
    due_date: date | None = Field(
        default=None,
        description="De la date de la facture à hier (echeance_avant_facture, facture_non_echue). "
        + _FROM_EINVOICE.format(term="BT-9"),
    )
    amount_cents: Cents | None = Field(
        default=None, description="Montant de la facture, en centimes. " + _FROM_EINVOICE.format(term="BT-115")
    )
    outstanding_cents: Cents = Field(description="Reste dû, en centimes (toujours obligatoire).")


class AmicableStepsIn(Model):
    """Les démarches amiables : relances, puis mise en demeure."""

    reminder_dates: list[date] = Field(
        default_factory=list,
        max_length=20,
        description="Chacune de la date de la facture à aujourd'hui (relance_hors_periode) ; "
        "l'une après l'échéance et avant la mise en demeure (relance_manquante).",
    )
    notice_date: date | None = Field(
        default=None,
        description="Après l'échéance, il y a ARDOISE_NOTICE_DAYS jours ou plus (mise_en_demeure_avant_echeance, "
        "mise_en_demeure_future, mise_en_demeure_trop_recente).",
    )
    notice_channel: NoticeChannel | None = None


class FileDeclaration(Model):
    """Un fichier à envoyer (5 Mo au plus) : son nom, son type et sa taille exacte."""

    filename: SingleLine = Field(min_length=1, max_length=200)
    content_type: SingleLine = Field(min_length=3, max_length=120)
    size: int = Field(ge=1, description="Taille en octets (5 Mo au plus).")


class UploadTarget(Model):
    """Où et comment envoyer le fichier déclaré : POST multipart (S3) ou PUT du fichier brut (local)."""

    method: str
    url: str
    fields: dict[str, str]
    max_bytes: int


class DocumentRequest(FileDeclaration):
    """Un document du créancier à envoyer avant le signalement qui le cite (5 Mo au plus)."""

    kind: DocumentKind = Field(
        description="invoice (PDF, Factur-X, ou XML UBL/CII), formal_notice, notice_proof (accusé de réception, "
        "e-mail avec accusé, acte de commissaire de justice), commitment_proof (devis signé, commande, contrat, "
        "bon de livraison) ; sauf la facture, un PDF ou une image JPEG ou PNG."
    )


class DocumentUploadOut(UploadTarget):
    """Comment envoyer le document : POST multipart (S3) ou PUT du fichier brut (local)."""

    document_id: str


class ReportFiling(Model):
    """Un signalement d'impayé après échec du recouvrement amiable."""

    creditor_siren: SingleLine | None = Field(
        default=None, max_length=20, description="Facultatif : doit être celui du membre."
    )
    debtor: DebtorIn
    invoice: InvoiceIn
    amicable_steps: AmicableStepsIn
    description: MultiLine = Field(default="", max_length=4000)
    documents: list[SingleLine] = Field(
        default_factory=list,
        max_length=10,
        description="Les documents envoyés avant (POST /documents), reçus et conformes : la facture "
        "(facture_manquante), la mise en demeure et la preuve de son envoi (preuve_mise_en_demeure_manquante) ; "
        "leur SHA-256 est fixé au signalement (document_manquant, document_deja_cite, taille_differente, "
        "contenu_different_du_type). Une facture électronique (Factur-X, UBL ou CII ; une seule, sinon "
        "plusieurs_factures_electroniques) est lue et recoupée avec le signalement : 422 "
        "facture-electronique-invalide si ce n'est pas une facture EN 16931 valide, 422 facture-incoherente "
        "(facture_incoherente pour chaque terme BT-1, BT-2, BT-9, BT-115, BT-30, BT-47 en cause) si elle dit autre "
        "chose.",
    )


class PaymentOut(Model):
    amount_cents: int
    paid_on: date
    recorded_at: datetime


class DisputeOut(Model):
    kind: str
    reason: str
    text: str
    opened_at: datetime
    was_published: bool
    evidence_ids: list[str]
    paid_on: date | None = None
    declared_amount_cents: int | None = None
    evidence_sha256: list[str] = Field(description="SHA-256 de chaque pièce citée, au moment où elle l'a été.")
    payment_note: str = Field(description="Déclaration de paiement faite pendant la contestation.")


class ModerationOut(Model):
    decision: str
    note: str
    decided_at: datetime


class EarlierDisputeOut(Model):
    """Une contestation (ou déclaration de paiement) déjà tranchée."""

    dispute: DisputeOut
    moderation: ModerationOut


class DocumentOut(Model):
    """Un document joint au signalement, avec l'empreinte de son contenu fixée au dépôt."""

    id: str
    kind: DocumentKind
    label: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ReviewOut(Model):
    """La vérification du dossier par la modération, avant tout envoi au débiteur."""

    decision: ReviewDecision
    reason: str = Field(description="Le motif d'un refus (envoyé au créancier).")
    decided_at: datetime


class FlagOut(Model):
    code: str
    message: str


class InvoiceStatusOut(Model):
    code: int
    label: str = Field(description="Libellé du statut (« En litige », « Encaissée »…).")
    date: dt.date
    received_at: datetime
    note: str
    from_cdar: bool


class EInvoiceOut(Model):
    """Ce que la facture électronique jointe au signalement indique (lu et recoupé au dépôt)."""

    syntax: Literal["factur-x", "cii", "ubl"]
    number: str = Field(description="BT-1")
    issue_date: date = Field(description="BT-2")
    due_date: date | None = Field(description="BT-9")
    amount_due_cents: int = Field(description="BT-115, en centimes")
    currency: str = Field(description="BT-5")
    seller_siren: str | None = Field(description="BT-30 (SIREN, ou les 9 premiers chiffres d'un SIRET)")
    buyer_siren: str | None = Field(description="BT-47")


class EInvoiceTermOut(Model):
    """Un terme de la facture électronique face au signalement : ce que dit chacun, et s'ils s'accordent."""

    term: Literal["BT-1", "BT-2", "BT-9", "BT-115", "BT-30", "BT-47", "BT-5"]
    label: str = Field(description="Libellé du terme (« date d'échéance »…).")
    field: str = Field(description="Le champ du signalement qu'il recoupe (invoice.due_date…).")
    filing: str | int | None = Field(
        description="Ce que dit le signalement (date ISO 8601, montant en centimes, SIREN, texte) ; null : omis, "
        "lu dans la facture électronique."
    )
    einvoice: str | int | None = Field(
        description="Ce que porte la facture électronique ; null : elle ne le porte pas."
    )
    agreement: Literal["agreed", "mismatch", "taken_from_einvoice", "not_carried"] = Field(
        description="agreed : identiques ; mismatch : différents (refusé au dépôt, facture_incoherente) ; "
        "taken_from_einvoice : omis au dépôt, la valeur est celle de la facture ; not_carried : la facture ne le "
        "porte pas (l'échéance dite en toutes lettres), la valeur est celle du signalement."
    )
    agreed: bool = Field(description="Vrai quand la valeur du signalement est celle de la facture électronique.")


class ArdoiseProofOut(Model):
    """Une trace tenue par Ardoise dans le dossier de recouvrement : une étape envoyée, ou une preuve d'envoi."""

    kind: ProofKind
    label: str = Field(description="La trace en français, telle que la modération la lit.")
    at: datetime = Field(description="Quand Ardoise a envoyé (ou préparé, un courrier) l'étape, ou reçu la preuve.")
    step: int
    step_name: str
    channel: Channel
    recipient: str
    reference: str = Field(description="L'identifiant du message envoyé, ou du document de preuve d'envoi.")
    sha256: str = Field(description="L'empreinte SHA-256 de ce qui est parti, ou des octets de la preuve.")
    size: int


REPORT_STATUSES = (
    "under_review : déposé, en attente de la vérification d'un modérateur (POST /reports/{id}/review) ; "
    "personne d'autre n'en sait rien, il n'est visible nulle part. submitted : approuvé, l'avis au débiteur part. "
    "notified : le débiteur est prévenu, le délai de grâce court (publish_after). published : publié. "
    "disputed : gelé, rien n'est publié, jusqu'à la décision d'un modérateur — contesté par le débiteur, ou par "
    "un statut 207 (En litige) ou 210 (Refusée) de la facture électronique (POST /reports/{id}/invoice-status). "
    "settled : réglé (paiement déclaré, ou statut 211 Paiement transmis ou 212 Encaissée). rejected : "
    "rejeté par la modération après une contestation. withdrawn : retiré par le créancier. unlisted : reste dû sous le "
    "minimum. refused : refusé à la vérification (motif envoyé au créancier ; le débiteur n'en est jamais informé)."
)


class ReportOut(Model):
    """Un signalement, tel que le voient son créancier et les modérateurs."""

    id: str
    public_reference: str = Field(description="La référence affichée sur la fiche publique (jamais l'identifiant).")
    status: ReportStatus = Field(description=REPORT_STATUSES)
    currency: Literal["EUR"] = "EUR"
    creditor_siren: str
    debtor_siren: str
    debtor_name: str
    invoice_number: str
    issue_date: date
    due_date: date
    amount_cents: int
    outstanding_cents: int
    reminder_dates: list[date]
    notice_date: date
    notice_channel: str
    description: str
    created_at: datetime
    notified_at: datetime | None
    notice_medium: str | None
    publish_after: datetime | None
    published_at: datetime | None
    settled_on: date | None
    closed_at: datetime | None
    payments: list[PaymentOut]
    public_reply: str
    dispute: DisputeOut | None
    moderation: ModerationOut | None
    earlier_disputes: list[EarlierDisputeOut]
    flags: list[FlagOut]
    documents: list[DocumentOut]
    review: ReviewOut | None = Field(description="La vérification de la modération ; null tant qu'elle est à faire.")
    invoice_statuses: list[InvoiceStatusOut] = Field(
        description="Statuts du cycle de vie de la facture électronique reçus, dans l'ordre de réception."
    )
    einvoice: EInvoiceOut | None = Field(
        description="La facture électronique citée (Factur-X, CII ou UBL), lue et recoupée avec le signalement."
    )
    einvoice_check: list[EInvoiceTermOut] = Field(
        description="Le recoupement de la facture électronique avec le signalement, terme par terme (vide sans "
        "facture électronique) : ce que la modération vérifie."
    )
    case_id: str | None = Field(
        default=None,
        description="Le dossier de recouvrement amiable dont le signalement est issu (POST /cases/{id}/report).",
    )
    ardoise_proofs: list[ArdoiseProofOut] = Field(
        default_factory=list,
        description="Preuves produites par Ardoise : les relances et la mise en demeure qu'Ardoise a envoyées pour le "
        "dossier, et les preuves d'envoi jointes, chacune datée avec son empreinte SHA-256 (vide hors dossier).",
    )


class InvoiceStatusIn(Model):
    """Un statut du cycle de vie de la facture électronique signalée : son code et sa date, ou le message CDAR."""

    code: int | None = Field(
        default=None,
        ge=100,
        le=999,
        description="Code du statut (200 à 214) : 207 ou 210 gèlent le signalement, 211 ou 212 le règlent, "
        "les autres sont enregistrés sans effet (statut_facture_inconnu sinon).",
    )
    date: dt.date | None = Field(
        default=None, description="Date du statut, de la date de la facture à aujourd'hui (date_de_statut_invalide)."
    )
    note: MultiLine = Field(default="", max_length=1000, description="Motif du statut, pour la modération.")
    cdar: XmlDocument | None = Field(
        default=None,
        min_length=1,
        max_length=200_000,
        description="Le message CDAR (XML) du statut, à la place de code et date : y sont lus le code (MDT-105), "
        "la date (MDT-78), le numéro de facture (MDT-87, cdar_autre_facture s'il diffère) et le motif "
        "(cdar_illisible s'il n'est pas lisible).",
    )


class InvoiceStatusAnswer(Model):
    """Ce qu'a fait le statut reçu, et le signalement tel qu'il est désormais."""

    effect: Literal["disputed", "settled", "recorded"] = Field(
        description="disputed : gelé jusqu'à la décision d'un modérateur ; settled : réglé ; recorded : enregistré "
        "sans effet."
    )
    detail: str
    status: InvoiceStatusOut
    report: ReportOut


class PaymentIn(Model):
    """Un paiement reçu par le créancier."""

    amount_cents: Cents
    paid_on: date = Field(description="De la date de la facture à aujourd'hui (date_de_paiement_invalide).")


# -- debtor's link -------------------------------------------------------------


class PenaltyPeriodOut(Model):
    start: date
    end: date
    days: int
    rate_percent: str
    amount_cents: int


class EvidenceOut(Model):
    id: str
    filename: str
    content_type: str
    declared_bytes: int


class DebtorDocumentOut(DocumentOut):
    """Une pièce du créancier, que le débiteur peut télécharger par son lien personnel."""

    url: str = Field(description="Téléchargement (GET), par le même lien personnel.")


class DebtorReportOut(Model):
    """Ce que le débiteur voit par son lien personnel."""

    report_id: str
    status: ReportStatus = Field(description=REPORT_STATUSES)
    currency: Literal["EUR"] = "EUR"
    creditor_name: str
    creditor_siren: str
    debtor_name: str
    debtor_siren: str
    invoice_number: str
    issue_date: date
    due_date: date
    amount_cents: int
    outstanding_cents: int
    publish_after: datetime | None
    penalties_cents: int
    penalty_periods: list[PenaltyPeriodOut]
    fixed_indemnity_cents: int
    penalties_notice: str
    public_reply: str
    dispute: DisputeOut | None
    moderation: ModerationOut | None
    evidence: list[EvidenceOut]
    documents: list[DebtorDocumentOut] = Field(description="Les pièces fournies par le créancier au signalement.")
    verified_on: date | None = Field(description="Le jour où la modération a vérifié ces pièces.")
    link_expires_at: datetime
    actions: list[DebtorAction]


def _explained(text: str) -> str:
    if len(text) < MIN_DISPUTE_TEXT:
        raise worded_error(
            "string_too_short", f"Expliquez votre contestation ({MIN_DISPUTE_TEXT} caractères au moins)."
        )
    return text


# The length is checked by ``_explained`` (its message says what is wanted); the schema still shows it.
DisputeText = Annotated[
    MultiLine, Field(max_length=4000, json_schema_extra={"minLength": MIN_DISPUTE_TEXT}), AfterValidator(_explained)
]
EvidenceIds = Annotated[
    list[SingleLine],
    Field(max_length=MAX_EVIDENCE_FILES, description="Les pièces envoyées par POST /replies/{token}/evidence."),
]
ModerationEmail = Annotated[Email | None, Field(description="Adresse où recevoir la décision de modération.")]


class DisputeIn(Model):
    """Contester le signalement : un motif et une explication, pour le modérateur."""

    action: Literal[DebtorAction.DISPUTE]
    reason: DisputeReason = Field(description="Motif de contestation.")
    text: DisputeText
    evidence_ids: EvidenceIds = Field(default_factory=list)
    email: ModerationEmail = None


class PaymentDeclarationIn(Model):
    """Déclarer un paiement, justificatif à l'appui (au moins une pièce, sinon justificatif_manquant)."""

    action: Literal[DebtorAction.DECLARE_PAYMENT]
    paid_on: date = Field(
        description="Date du paiement, de la date de la facture à aujourd'hui (date_de_paiement_invalide)."
    )
    amount_cents: Cents | None = Field(
        default=None,
        description="Montant payé, s'il n'est pas le reste dû : positif, au plus celui de la facture "
        "(montant_declare_invalide).",
    )
    text: MultiLine = Field(default="", max_length=4000)
    evidence_ids: EvidenceIds = Field(default_factory=list)
    email: ModerationEmail = None


class ReplyIn(Model):
    """Répondre publiquement : le texte est affiché à côté du signalement lorsqu'il est publié."""

    action: Literal[DebtorAction.REPLY]
    text: MultiLine = Field(min_length=1, max_length=4000)


class DebtorActionIn(RootModel):  # type: ignore[type-arg]  # the root's type is the annotation below
    """Contester, déclarer un paiement ou répondre : un corps par `action`, chacun avec ses champs."""

    # Built on first use, as every model (validation.View); subscripting RootModel would build a class at import.
    model_config = ConfigDict(defer_build=True)

    root: Annotated[DisputeIn | PaymentDeclarationIn | ReplyIn, Field(discriminator="action")]


class EvidenceRequest(FileDeclaration):
    """Une pièce à envoyer (5 Mo au plus)."""


class UploadOut(UploadTarget):
    """Comment envoyer la pièce : POST multipart (S3) ou PUT du fichier brut (local)."""

    evidence_id: str


# -- moderation ----------------------------------------------------------------


class ModerationQuery(Model):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: SingleLine | None = Field(default=None, max_length=500)


class ModerationQueue(Model):
    """Les contestations en attente, la plus ancienne d'abord."""

    items: list[ReportOut]
    next_cursor: str | None


class ReviewQuery(Model):
    limit: int = Field(default=50, ge=1, le=200)
    cursor: SingleLine | None = Field(default=None, max_length=500)


class ReviewDocumentOut(DocumentOut):
    """Un document du dossier, avec son adresse de téléchargement (en-tête X-Content-SHA256)."""

    url: str


class RegistryOut(Model):
    """Ce que disent les répertoires officiels du débiteur (SIRENE, BODACC) ; tout null s'ils ne le connaissent pas."""

    known: bool
    name: str | None
    address: str | None
    active: bool | None = Field(description="Faux quand le répertoire dit l'entreprise cessée.")
    sole_trader: bool | None
    proceeding: str | None = Field(description="La procédure collective en cours, s'il y en a une.")


class ReviewItemOut(Model):
    """Un signalement en attente de vérification, tel que le modérateur l'examine."""

    report: ReportOut
    waiting_since: datetime
    age_hours: int = Field(description="Heures écoulées depuis le dépôt.")
    documents: list[ReviewDocumentOut]
    registry: RegistryOut
    rules_checked: list[str] = Field(description="Les règles vérifiées au dépôt, toutes respectées.")


class ReviewQueue(Model):
    """Les signalements à vérifier avant d'en prévenir le débiteur, le plus ancien d'abord."""

    items: list[ReviewItemOut]
    next_cursor: str | None


class ReviewIn(Model):
    """La décision d'un modérateur sur le dossier d'un signalement."""

    decision: ReviewDecision
    reason: MultiLine = Field(
        default="", max_length=4000, description="Obligatoire pour un refus : envoyé au créancier (jamais au débiteur)."
    )


class ModerationIn(Model):
    """La décision d'un modérateur."""

    decision: ModerationDecision
    note: MultiLine = Field(min_length=1, max_length=4000)


# -- public ----------------------------------------------------------------------


class PublicReport(Model):
    """Un signalement publié (jamais l'identité du créancier, ni son identifiant interne)."""

    reference: str = Field(description="Référence publique opaque, distincte de l'identifiant du signalement.")
    status: str
    currency: Literal["EUR"] = "EUR"
    outstanding_cents: int
    issue_date: date
    due_date: date
    days_overdue: int
    published_on: date | None
    verified_on: date | None = Field(description="Le jour où la modération a vérifié la facture et la mise en demeure.")
    debtor_reply: str


class CompanyListing(Model):
    """Fiche publique d'une entreprise."""

    siren: str
    name: str
    city: str
    listed: bool
    currency: Literal["EUR"] = "EUR"
    open_published_count: int
    outstanding_cents: int
    oldest_due_date: date | None
    worst_days_beyond_terms: int | None
    reports: list[PublicReport]
    ceased_on: date | None = Field(
        default=None, description="Jour où l'entreprise a cessé selon le répertoire SIRENE (état C), sinon null."
    )
    registry_notice: str | None = Field(
        default=None, description="Ce que la fiche affiche de l'état au répertoire, ex. « entreprise cessée le … »."
    )


class CompanySearchQuery(Model):
    q: SingleLine = Field(min_length=2, max_length=100, description="Début du nom ou du SIREN (3 chiffres au moins).")
    limit: int = Field(default=20, ge=1, le=100)
    cursor: SingleLine | None = Field(default=None, max_length=500)


class CompanyHit(Model):
    siren: str
    name: str
    city: str
    listed: bool
    open_published_count: int
    outstanding_cents: int


class CompanySearch(Model):
    """Résultats de recherche, paginés."""

    items: list[CompanyHit]
    next_cursor: str | None
