"""Request and response models of a case's report and of the member's recovery figures (they write its OpenAPI)."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field

from functions.core.domain.recovery import CaseStatus
from functions.core.validation import Model, MultiLine, SingleLine


class CaseReportIn(Model):
    """Le signalement d'un dossier resté impayé : les étapes et leurs preuves viennent du dossier, pas de la saisie."""

    documents: list[SingleLine] = Field(
        default_factory=list,
        max_length=10,
        description="Ce qu'Ardoise ne détient pas, envoyé avant (POST /documents) : la facture (facture_manquante), "
        "une preuve de l'engagement du débiteur. La mise en demeure est le message ou le courrier d'Ardoise ; sa "
        "preuve d'envoi, pour un courrier, celle jointe au dossier (POST /cases/{id}/dispatch-proofs), sinon "
        "preuve_mise_en_demeure_manquante.",
    )
    description: MultiLine | None = Field(
        default=None, max_length=4000, description="Facultatif : la description du dossier par défaut."
    )


class CaseFiguresOut(Model):
    """Les chiffres d'un dossier."""

    case_id: str
    invoice_number: str
    debtor_name: str
    status: CaseStatus
    claimed_cents: int = Field(description="Le reste dû à l'ouverture du dossier.")
    recovered_cents: int = Field(description="Les paiements enregistrés par le créancier.")
    days_from_opening: int | None = Field(
        description="Payé en entier : jours de l'ouverture du dossier au paiement qui l'a soldé (sinon null)."
    )
    days_past_due: int | None = Field(description="Payé en entier : jours de l'échéance à ce paiement (sinon null).")
    paid_after: str | None = Field(description="Payé en entier : l'étape qui a précédé le paiement qui l'a soldé.")


class StepShareOut(Model):
    """Ce qui a été recouvré après une étape des scénarios (ou avant toute relance, ou après la mise en demeure)."""

    position: int = Field(description="-1 avant toute étape, l'indice de l'étape, 1000 après le terme du scénario.")
    label: str
    recovered_cents: int
    payments: int
    share_percent: Decimal = Field(description="La part de tout ce qui a été recouvré, en pour cent (une décimale).")


class RecoveryFiguresOut(Model):
    """Les chiffres du recouvrement amiable du membre, calculés sur ses dossiers."""

    currency: Literal["EUR"] = "EUR"
    cases_count: int
    paid_in_full: int
    claimed_cents: int
    recovered_cents: int
    recovered_percent: Decimal
    average_days_to_payment: Decimal | None = Field(
        description="Moyenne des jours de l'ouverture au paiement complet (null : aucun dossier payé en entier)."
    )
    by_step: list[StepShareOut]
    cases: list[CaseFiguresOut]
