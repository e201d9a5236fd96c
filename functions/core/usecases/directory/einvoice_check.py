"""The invoice cited at filing, when it is an e-invoice: read (by the einvoice stage in production) and cross-checked.

Only an XML, or a PDF carrying an attachment, is read
(:func:`~functions.core.einvoices.may_carry_einvoice`): a plain PDF invoice
costs no invocation. What the e-invoice says must be what the filing says
(:func:`~functions.core.domain.einvoice.cross_check`); a file that claims to
be an e-invoice and is not a valid EN 16931 invoice is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from functions.core.domain.documents import DocumentKind
from functions.core.domain.einvoice import EInvoice, Filed, cross_check
from functions.core.einvoices import NoEInvoiceInside, UnreadableEInvoice, may_carry_einvoice
from functions.core.einvoices.remote import EInvoiceReaderUnavailable
from functions.core.errors import FieldError, RuleNotMet, ServiceUnavailable
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.usecases.directory.documents import CitedFile

INVALID_CODE = "facture_electronique_invalide"
SEVERAL_CODE = "plusieurs_factures_electroniques"
log = get_logger("directory.einvoice")


class InvalidEInvoice(RuleNotMet):
    """A cited invoice claims to be an e-invoice and is not a valid EN 16931 invoice."""

    slug, title = "facture-electronique-invalide", "Facture électronique invalide"


class EInvoiceMismatch(RuleNotMet):
    """The cited e-invoice says otherwise than the filing: each business term that differs is named."""

    slug, title = "facture-incoherente", "Facture électronique incohérente avec ce qui est indiqué"


@dataclass(frozen=True)
class CitedInvoice:
    """The invoice document as cited: where it is stored, its type, its bytes and their pinned SHA-256."""

    field: str  # its place in the filing (``documents.0``)
    key: str
    content_type: str
    content: bytes
    sha256: str


def read_cited_einvoice(res: Resources, cited: CitedInvoice) -> tuple[EInvoice | None, list[FieldError]]:
    """Read the cited invoice as an e-invoice: its terms (None for a plain PDF) or why it is refused."""
    if not may_carry_einvoice(cited.content_type, cited.content):
        return None, []
    try:
        read = res.einvoices.read(cited.key)
    except NoEInvoiceInside:
        return None, []
    except UnreadableEInvoice as exc:
        return None, [FieldError(cited.field, INVALID_CODE, f"Facture électronique invalide : {exc}")]
    except EInvoiceReaderUnavailable as exc:
        log.exception("einvoice stage unavailable", extra={"key": cited.key})
        raise ServiceUnavailable(
            "La lecture des factures électroniques est momentanément indisponible : réessayez dans une minute.",
            headers={"Retry-After": "60"},
        ) from exc
    if read.sha256 != cited.sha256:
        return None, [
            FieldError(
                cited.field,
                INVALID_CODE,
                "Le fichier de la facture a changé pendant sa lecture : déposez-le de nouveau, puis citez-le.",
            )
        ]
    return read.einvoice, []


def read_filed_einvoice(res: Resources, invoices: Sequence[CitedInvoice]) -> EInvoice | None:
    """Read the invoices a filing cites: the one e-invoice among them (None: plain PDFs only).

    Raise :class:`InvalidEInvoice` for a file that claims to be an e-invoice and
    is not one, or for two e-invoices (a report is about one invoice).
    """
    read: list[tuple[CitedInvoice, EInvoice]] = []
    refused: list[FieldError] = []
    for cited in invoices:
        einvoice, problems = read_cited_einvoice(res, cited)
        refused += problems
        if einvoice is not None:
            read.append((cited, einvoice))
    if refused:
        raise InvalidEInvoice(
            "La facture citée n'est pas une facture électronique valide (Factur-X, UBL ou CII, norme EN 16931) : "
            "corrigez-la, ou joignez la facture en PDF ordinaire.",
            refused,
        )
    if len(read) > 1:
        raise InvalidEInvoice(
            "Un signalement, comme un dossier, porte sur une seule facture : citez une seule facture électronique.",
            [
                FieldError(cited.field, SEVERAL_CODE, "Une seule facture électronique par signalement ou dossier.")
                for cited, _ in read[1:]
            ],
        )
    return read[0][1] if read else None


def refuse_mismatch(einvoice: EInvoice | None, filed: Filed) -> None:
    """Raise :class:`EInvoiceMismatch` naming each term of the e-invoice that the filing contradicts."""
    errors = cross_check(einvoice, filed) if einvoice is not None else []
    if errors:
        raise EInvoiceMismatch(
            "La facture électronique citée ne dit pas ce que vous avez indiqué : corrigez les champs en cause "
            "(ou omettez ceux que la facture porte : ils y seront lus), ou citez la bonne facture.",
            errors,
        )


def invoices_cited(files: Sequence[CitedFile], document_ids: Sequence[str]) -> list[CitedInvoice]:
    """The cited documents of kind ``invoice``, each named by its place in the filing's ``documents``."""
    return [
        CitedInvoice(
            f"documents.{list(document_ids).index(f.document.id)}",
            f.document.key,
            f.document.content_type,
            f.content,
            f.document.sha256,
        )
        for f in files
        if f.document.kind is DocumentKind.INVOICE
    ]
