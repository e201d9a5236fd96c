"""The creditor's documents: what a report must be filed with, and what each kind of file may be.

A report is filed with the documents that make its sum certain and the
amicable recovery proven (CNIL: only proven sums): the invoice (a PDF, or an
e-invoice in XML: UBL or CII), the formal notice and its proof of dispatch
(registered-letter receipt, e-mail with receipt, bailiff's act) and, when
available, the proof of the debtor's commitment (signed quote, order,
contract, delivery note). Each is uploaded first, like the debtor's evidence,
then cited by the filing, which pins its SHA-256.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from functions.core.domain.evidence import JPEG, PDF, PNG, XML
from functions.core.errors import FieldError


class DocumentKind(StrEnum):
    """What a creditor's document proves."""

    INVOICE = "invoice"
    FORMAL_NOTICE = "formal_notice"
    NOTICE_PROOF = "notice_proof"
    COMMITMENT_PROOF = "commitment_proof"


KIND_LABELS = {
    DocumentKind.INVOICE: "Facture",
    DocumentKind.FORMAL_NOTICE: "Mise en demeure",
    DocumentKind.NOTICE_PROOF: "Preuve d'envoi de la mise en demeure",
    DocumentKind.COMMITMENT_PROOF: "Preuve de l'engagement du débiteur",
}
# A scan or a photo of a paper document is an image; an invoice is a PDF (Factur-X included) or an e-invoice.
ACCEPTED_TYPES: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.INVOICE: frozenset({PDF, XML}),
    DocumentKind.FORMAL_NOTICE: frozenset({PDF, JPEG, PNG}),
    DocumentKind.NOTICE_PROOF: frozenset({PDF, JPEG, PNG}),
    DocumentKind.COMMITMENT_PROOF: frozenset({PDF, JPEG, PNG}),
}
MEDIA_TYPES = frozenset(t for types in ACCEPTED_TYPES.values() for t in types)


@dataclass(frozen=True)
class FiledDocument:
    """A document a report was filed with: its kind, file, and the SHA-256 its bytes had when cited."""

    id: str
    kind: DocumentKind
    filename: str
    content_type: str
    size: int
    sha256: str
    key: str  # where the evidence storage keeps its bytes
    uploaded_at: datetime

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def missing_documents(kinds: Iterable[DocumentKind]) -> list[FieldError]:
    """Return the documents a filing lacks (each a rule with its stable code), empty when complete."""
    cited = set(kinds)
    failures = []
    if DocumentKind.INVOICE not in cited:
        failures.append(
            FieldError(
                "documents",
                "facture_manquante",
                "Joignez la facture impayée (PDF, Factur-X, ou facture électronique UBL ou CII).",
            )
        )
    if not {DocumentKind.FORMAL_NOTICE, DocumentKind.NOTICE_PROOF} <= cited:
        failures.append(
            FieldError(
                "documents",
                "preuve_mise_en_demeure_manquante",
                "Joignez la mise en demeure et la preuve de son envoi (accusé de réception du recommandé, "
                "e-mail avec accusé de réception ou acte du commissaire de justice).",
            )
        )
    return failures
