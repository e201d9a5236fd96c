"""The invoice cited at filing, when it is an e-invoice: read (by the einvoice stage in production) and cross-checked.

Only an XML, or a PDF carrying an attachment, is read
(:func:`~functions.core.einvoices.may_carry_einvoice`): a plain PDF invoice
costs no invocation. What the e-invoice says must be what the filing says
(:func:`~functions.core.domain.einvoice.cross_check`); a file that claims to
be an e-invoice and is not a valid EN 16931 invoice is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from functions.core.domain.einvoice import EInvoice, Filed, cross_check
from functions.core.einvoices import NoEInvoiceInside, UnreadableEInvoice, may_carry_einvoice
from functions.core.einvoices.remote import EInvoiceReaderUnavailable
from functions.core.errors import FieldError, ServiceUnavailable
from functions.core.logs import get_logger
from functions.core.resources import Resources

INVALID_CODE = "facture_electronique_invalide"
log = get_logger("directory.einvoice")


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


def einvoice_problems(einvoice: EInvoice | None, filed: Filed) -> list[FieldError]:
    """Each term of the e-invoice that the filing contradicts (none without an e-invoice)."""
    return cross_check(einvoice, filed) if einvoice is not None else []
