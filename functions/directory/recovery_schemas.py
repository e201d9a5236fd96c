"""Request and response models of amicable recovery (they also write its OpenAPI)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from functions.core.domain.recovery import ActionKind, CaseStatus, EventKind
from functions.core.domain.reports import DisputeReason
from functions.core.domain.scenarios import MAX_DELAY_DAYS, MAX_STEPS, PLACEHOLDERS, Anchor, Channel, StepKind
from functions.core.domain.schedules import MAX_INSTALMENTS, MAX_SCHEDULE_DAYS
from functions.core.validation import Cents, MobilePhone, Model, MultiLine, SingleLine
from functions.directory.injunction_schemas import InterestPeriodOut
from functions.directory.schemas import DebtorDocumentOut, DebtorIn, DocumentOut, EInvoiceOut, InvoiceIn

_PLACEHOLDER_LIST = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)


class CaseDebtorIn(DebtorIn):
    """Le débiteur : une entreprise, joignable par les canaux du scénario (e-mail, courrier, SMS)."""

    phone: MobilePhone | None = Field(default=None, description="Pour les étapes par SMS (telephone_invalide).")


class CaseInvoiceIn(InvoiceIn):
    """La facture impayée, comme au signalement : avec une facture électronique citée (documents), les champs
    qu'elle porte peuvent être omis ; ils y sont lus."""

    outstanding_cents: Cents = Field(
        description="Reste dû, au moins le montant minimal (montant_insuffisant) ; toujours obligatoire."
    )


class CaseOpeningIn(Model):
    """Un dossier de recouvrement amiable : la facture impayée, le débiteur, le scénario à suivre."""

    creditor_siren: SingleLine | None = Field(default=None, max_length=20, description="Facultatif : celui du membre.")
    debtor: CaseDebtorIn
    invoice: CaseInvoiceIn
    scenario_id: SingleLine = Field(
        default="default",
        min_length=1,
        max_length=40,
        description="« default » (le scénario Ardoise) ou l'un des vôtres (scenario_inconnu) ; chaque canal du "
        "scénario demande le contact correspondant du débiteur (contact_manquant_pour_le_canal).",
    )
    description: MultiLine = Field(default="", max_length=4000)
    payment_details: MultiLine = Field(
        default="", max_length=500, description="Vos coordonnées de paiement (IBAN…), montrées au débiteur sur sa page."
    )
    documents: list[SingleLine] = Field(
        default_factory=list,
        max_length=10,
        description="Facultatif : les documents envoyés avant (POST /documents), reçus et conformes, comme au "
        "signalement : la facture (invoice : PDF, Factur-X, ou XML UBL/CII) et, s'il y en a une, la preuve de "
        "l'engagement du débiteur (commitment_proof) ; aucun autre type (document_hors_dossier). Leur SHA-256 est "
        "fixé à l'ouverture et ils sont joints au dossier (document_manquant, document_deja_cite, "
        "taille_differente, contenu_different_du_type) : le signalement déposé depuis le dossier les reprend "
        "sans nouvel envoi. Une facture électronique (une seule, sinon plusieurs_factures_electroniques) est lue "
        "et recoupée avec le dossier : 422 facture-electronique-invalide si ce n'est pas une facture EN 16931 "
        "valide, 422 facture-incoherente (facture_incoherente pour chaque terme BT-1, BT-2, BT-9, BT-115, BT-30, "
        "BT-47 en cause) si elle dit autre chose ; rien n'est alors ouvert ni joint.",
    )


class StepIn(Model):
    """Une étape : quand (jours après l'échéance ou l'étape précédente), par quel canal, quel texte."""

    name: SingleLine = Field(min_length=2, max_length=80)
    kind: StepKind = Field(description="reminder (relance) ou formal_notice (mise en demeure, la dernière étape).")
    channel: Channel
    delay_days: int = Field(ge=0, le=MAX_DELAY_DAYS)
    anchor: Anchor = Field(description="due_date (depuis l'échéance) ou previous_step (depuis l'étape précédente).")
    subject: SingleLine = Field(min_length=2, max_length=200, description=f"Variables : {_PLACEHOLDER_LIST}.")
    body: MultiLine = Field(
        min_length=10, max_length=6000, description=f"Variables : {_PLACEHOLDER_LIST} (variable_inconnue)."
    )
    deadline_days: int = Field(
        default=0,
        ge=0,
        le=90,
        description="Mise en demeure : jours laissés pour payer, 8 au moins (delai_mise_en_demeure_trop_court).",
    )


class ScenarioIn(Model):
    """Un scénario du membre : des relances puis une mise en demeure (mise_en_demeure_en_dernier)."""

    name: SingleLine = Field(min_length=2, max_length=120)
    steps: list[StepIn] = Field(min_length=1, max_length=MAX_STEPS)


class PreviewIn(Model):
    """Les étapes à prévisualiser, pour un de vos dossiers ou, sans dossier, une facture d'exemple."""

    steps: list[StepIn] = Field(min_length=1, max_length=MAX_STEPS)
    case_id: SingleLine | None = Field(default=None, max_length=40)


class StepOut(Model):
    name: str
    kind: StepKind
    channel: Channel
    delay_days: int
    anchor: Anchor
    subject: str
    body: str
    deadline_days: int


class ScenarioOut(Model):
    """Un scénario : le scénario Ardoise (default) ou l'un des vôtres."""

    id: str
    name: str
    default: bool
    steps: list[StepOut]
    created_at: datetime | None


class ScenarioList(Model):
    """Le scénario Ardoise, puis les vôtres."""

    items: list[ScenarioOut]
    placeholders: dict[str, str] = Field(description="Les variables possibles dans les textes, et ce qu'elles valent.")


class PreviewStepOut(Model):
    position: int
    name: str
    channel: Channel
    planned_on: date = Field(description="Le jour prévu (depuis l'échéance de la facture, aucune étape envoyée).")
    subject: str
    body: str
    interest_cents: int = Field(description="Pénalités de retard au jour prévu (ou aujourd'hui s'il est passé).")
    indemnity_cents: int
    deadline: date | None = Field(description="Mise en demeure : la date limite de paiement qu'elle fixe.")


class PreviewOut(Model):
    """Les étapes telles qu'elles partiraient."""

    currency: Literal["EUR"] = "EUR"
    items: list[PreviewStepOut]


class PostingOut(Model):
    """Un courrier posté par Ardoise via un prestataire de lettre recommandée : la référence de l'envoi."""

    provider: str = Field(description="Le prestataire qui a posté le courrier.")
    reference: str = Field(description="Sa référence de l'envoi (numéro de suivi).")
    accepted_at: datetime = Field(description="Quand le prestataire a pris le courrier en charge.")
    registered: bool = Field(description="En recommandé avec accusé de réception (sinon en lettre simple).")


class MessageOut(Model):
    """Un message envoyé (ou, courrier, préparé) : sa trace, dont l'empreinte SHA-256 de ce qui est parti."""

    id: str
    channel: Channel
    recipient: str
    subject: str
    sha256: str
    size: int
    posting: PostingOut | None = Field(
        default=None,
        description="Un courrier posté par Ardoise via un prestataire ; null : le créancier le poste lui-même.",
    )


class ProofOut(Model):
    """Une pièce jointe au dossier (preuve d'envoi du créancier, justificatif de paiement du débiteur), son
    empreinte SHA-256 fixée quand elle l'a été."""

    id: str
    filename: str
    content_type: str
    size: int
    sha256: str


class DispatchProofIn(Model):
    """La preuve qu'un courrier du scénario a été posté : un document notice_proof envoyé avant (POST /documents)."""

    step: int = Field(ge=0, le=20, description="L'étape courrier déjà préparée (etape_non_postee, preuve_deja_jointe).")
    document_id: SingleLine = Field(
        min_length=1,
        max_length=60,
        description="Reçu et conforme (document_manquant, document_deja_cite, preuve_envoi_attendue).",
    )


class InstalmentOut(Model):
    due_on: date
    amount_cents: int


class CaseEventOut(Model):
    kind: EventKind
    at: datetime
    actor: str
    status: CaseStatus | None
    step: int | None = None
    step_name: str | None = None
    amount_cents: int | None = None
    paid_on: date | None = None
    message: MessageOut | None = None
    reason: DisputeReason | None = Field(default=None, description="Le motif d'une contestation du débiteur.")
    text: str = Field(default="", description="Les mots du débiteur (contestation, paiement déclaré).")
    document: ProofOut | None = Field(default=None, description="La preuve d'envoi d'un courrier (dispatch_proof).")
    evidence: ProofOut | None = Field(
        default=None, description="Le justificatif d'un paiement déclaré par le débiteur (payment_declared)."
    )
    instalments: list[InstalmentOut] | None = Field(
        default=None,
        description="Les échéances de l'échéancier proposé (schedule_proposed) ou accepté (schedule_accepted) : "
        "elles restent dans la chronologie une fois l'échéancier manqué ou remplacé.",
    )
    instalment: int | None = Field(
        default=None, description="L'échéance manquée (instalment_missed), comptée à partir de 0 comme step."
    )


class ScheduleOut(Model):
    """L'échéancier du dossier : proposé par le débiteur (en attente de réponse) ou accepté par le créancier."""

    status: Literal["proposed", "accepted"]
    instalments: list[InstalmentOut]


class NextActionOut(Model):
    kind: ActionKind = Field(
        description="send_step (l'étape step part), end_scenario (fin du délai de la mise en demeure) ou "
        "instalment_missed (une échéance acceptée non payée à temps : les relances reprennent)."
    )
    at: datetime
    step: int | None
    step_name: str | None
    channel: Channel | None


class CaseDebtorOut(Model):
    siren: str
    name: str
    email: str
    postal_address: str
    phone: str


class CaseInvoiceOut(Model):
    number: str
    issue_date: date
    due_date: date
    amount_cents: int


class CaseOut(Model):
    """Un dossier de recouvrement amiable, son état et sa chronologie."""

    id: str
    status: CaseStatus = Field(
        description="running, paid, unpaid (mise en demeure restée sans effet), withdrawn, contested (par le "
        "débiteur : relances arrêtées), payment_declared (relances suspendues jusqu'au paiement ou à leur "
        "reprise), scheduled (échéancier accepté : relances suspendues tant que les échéances sont payées)."
    )
    status_label: str
    currency: Literal["EUR"] = "EUR"
    creditor_siren: str
    debtor: CaseDebtorOut
    invoice: CaseInvoiceOut
    outstanding_cents: int
    description: str
    payment_details: str
    documents: list[DocumentOut] = Field(
        description="Les documents cités à l'ouverture (la facture, la preuve de l'engagement du débiteur), "
        "chacun avec l'empreinte SHA-256 fixée alors ; le signalement déposé depuis le dossier les reprend."
    )
    einvoice: EInvoiceOut | None = Field(
        description="La facture électronique citée à l'ouverture (Factur-X, CII ou UBL), telle que lue et recoupée."
    )
    einvoice_terms_taken: list[str] = Field(
        description="Les termes de la facture omis à l'ouverture et lus dans la facture électronique (BT-1, BT-2, "
        "BT-9, BT-115)."
    )
    scenario: ScenarioOut
    opened_at: datetime
    next_action: NextActionOut | None
    schedule: ScheduleOut | None = Field(description="L'échéancier proposé ou accepté, s'il y en a un.")
    timeline: list[CaseEventOut]


class CaseList(Model):
    """Vos dossiers, le plus récent d'abord."""

    items: list[CaseOut]


# -- the debtor's private page ----------------------------------------------------


class DebtorStepOut(Model):
    at: datetime
    step_name: str
    channel: Channel


DebtorActionName = Literal["contest", "declare_payment", "propose_schedule"]


class DebtorCaseOut(Model):
    """Le dossier tel que le débiteur le voit par son lien personnel."""

    creditor_name: str
    creditor_siren: str
    debtor_name: str
    invoice: CaseInvoiceOut
    currency: Literal["EUR"] = "EUR"
    outstanding_cents: int
    interest_cents: int = Field(
        description="Pénalités de retard à ce jour (taux BCE majoré des points configurés), en plus du reste dû."
    )
    interest_periods: list[InterestPeriodOut] = Field(
        description="Le détail des pénalités : chaque période avec son taux et le reste dû sur lequel elle a couru "
        "(un paiement partiel le réduit à compter du lendemain de sa date)."
    )
    indemnity_cents: int = Field(description="Indemnité forfaitaire pour frais de recouvrement (40 €).")
    status: CaseStatus
    status_label: str
    payment_details: str = Field(description="Les coordonnées de paiement du créancier.")
    documents: list[DebtorDocumentOut] = Field(
        description="Les pièces jointes par le créancier à l'ouverture du dossier (la facture), à télécharger par "
        "le même lien, chacune avec l'empreinte SHA-256 fixée alors."
    )
    actions: list[DebtorActionName] = Field(description="Ce que le débiteur peut encore faire.")
    schedule: ScheduleOut | None = Field(description="L'échéancier proposé ou accepté, s'il y en a un.")
    mediator: str = Field(description="Où trouver une médiation (le Médiateur des entreprises).")
    messages: list[DebtorStepOut] = Field(description="Les relances déjà envoyées.")


class DebtorContestIn(Model):
    """Contester la facture : les relances s'arrêtent, le créancier reçoit votre motif."""

    reason: DisputeReason
    text: MultiLine = Field(min_length=10, max_length=4000)


class DebtorPaymentIn(Model):
    """Déclarer un paiement : les relances sont suspendues jusqu'à ce que le créancier le constate."""

    amount_cents: Cents
    paid_on: date = Field(description="De la date de la facture à aujourd'hui (date_de_paiement_invalide).")
    text: MultiLine = Field(default="", max_length=2000, description="Par exemple la référence du virement.")
    evidence_id: SingleLine | None = Field(
        default=None,
        max_length=60,
        description="Le justificatif envoyé avant (POST /debtor-cases/{token}/evidence), reçu et conforme "
        "(piece_manquante, piece_deja_citee, taille_differente, contenu_different_du_type).",
    )


class InstalmentIn(Model):
    """Une échéance : son jour et son montant."""

    due_on: date = Field(
        description=f"D'aujourd'hui à {MAX_SCHEDULE_DAYS} jours, après l'échéance précédente "
        "(echeance_passee, echeance_trop_lointaine, echeances_non_croissantes)."
    )
    amount_cents: Cents


class DebtorScheduleIn(Model):
    """Proposer un échéancier : le créancier l'accepte (relances suspendues) ou le refuse (elles continuent)."""

    instalments: list[InstalmentIn] = Field(
        min_length=1,
        max_length=MAX_INSTALMENTS,
        description="Elles totalisent exactement le reste dû (total_different_du_reste_du).",
    )
    text: MultiLine = Field(default="", max_length=2000, description="Un mot pour le créancier.")
