"""What Ardoise itself recorded of an amicable recovery it ran: the proofs a report filed from a case carries.

When a recovery case ends unpaid and its creditor files the report from it,
the amicable steps are not typed: each reminder and the formal notice are
the messages Ardoise sent (or, a letter, prepared for the creditor to post),
each with its date and the SHA-256 of what went; a letter's proof of dispatch
is the document the creditor joined to the case, its SHA-256 pinned then.
The moderator reviewing the report reads them as « preuves produites par
Ardoise ».
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from functions.core.domain.scenarios import CHANNEL_LABELS, Channel


class ProofKind(StrEnum):
    """Which record of the case a proof is."""

    REMINDER = "reminder"
    FORMAL_NOTICE = "formal_notice"
    DISPATCH_PROOF = "dispatch_proof"


PROOF_LABELS = {
    ProofKind.REMINDER: "Relance",
    ProofKind.FORMAL_NOTICE: "Mise en demeure",
    ProofKind.DISPATCH_PROOF: "Preuve d'envoi d'un courrier",
}


@dataclass(frozen=True)
class ArdoiseProof:
    """One record of a case's timeline: a step Ardoise sent, or a letter's proof of dispatch joined to it."""

    kind: ProofKind
    at: datetime
    step: int
    step_name: str
    channel: Channel
    recipient: str  # the e-mail address, the phone number or the postal address
    reference: str  # the message's id (mail service, SMS sender, letter), or the proof document's id
    sha256: str  # of what went (the e-mail's content, the SMS text, the letter's PDF), or of the proof's bytes
    size: int

    @property
    def label(self) -> str:
        """The record in French, as the moderator reads it."""
        if self.kind is ProofKind.DISPATCH_PROOF:
            return f"Preuve d'envoi de « {self.step_name} », jointe au dossier par le créancier"
        if self.channel is Channel.LETTER:
            how = "courrier préparé par Ardoise, posté par le créancier"
        else:
            how = f"{CHANNEL_LABELS[self.channel]} envoyé par Ardoise"
        return (
            f"{PROOF_LABELS[self.kind]} « {self.step_name} » : {how}"
            if self.step_name != PROOF_LABELS[self.kind]
            else f"{self.step_name} : {how}"
        )
