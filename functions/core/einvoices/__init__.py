"""Reading e-invoices and lifecycle messages: the adapter between their files and the pure domain.

- :mod:`.reading`: a Factur-X PDF, or a CII or UBL XML, to an
  :class:`~functions.core.domain.einvoice.EInvoice`, with Akretion's
  ``factur-x`` (extraction, the official XSDs, the BT mapping). It imports
  lxml and pypdf, too heavy for the API stages: it runs in the ``einvoice``
  stage (``functions/einvoice``), or in process locally.
- :mod:`.cdar`: a CDAR lifecycle message to its status code and date (defusedxml only).
- :mod:`.safe_xml`: the screening every XML goes through first: no DTD, hence no
  entity expansion (billion laughs) and no external entity (XXE).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from functions.core.domain.einvoice import EInvoice, InvoiceSyntax


class UnreadableEInvoice(ValueError):
    """A file that is not a valid EN 16931 invoice; the message says why, in French."""


class NoEInvoiceInside(UnreadableEInvoice):
    """A PDF that carries no Factur-X XML: an ordinary PDF invoice, nothing to cross-check."""


# An embedded file is a stream, and no stream sits in a compressed object stream: a PDF with an
# attachment always shows this name in clear, so a plain PDF is told apart without parsing it.
_EMBEDDED_FILE = b"/EmbeddedFile"


def may_carry_einvoice(content_type: str, content: bytes) -> bool:
    """Whether a cited invoice is worth reading as an e-invoice: an XML, or a PDF with an attachment."""
    if content_type in ("application/xml", "text/xml"):
        return True
    return content.startswith(b"%PDF-") and _EMBEDDED_FILE in content


def einvoice_to_data(einvoice: EInvoice) -> dict[str, Any]:
    """The JSON form of an e-invoice's terms (the einvoice stage's answer, the store's record)."""
    return {
        "syntax": einvoice.syntax.value,
        "number": einvoice.number,
        "issue_date": einvoice.issue_date.isoformat(),
        "due_date": einvoice.due_date.isoformat() if einvoice.due_date else None,
        "amount_due_cents": einvoice.amount_due_cents,
        "currency": einvoice.currency,
        "seller_siren": einvoice.seller_siren,
        "buyer_siren": einvoice.buyer_siren,
    }


def einvoice_from_data(data: dict[str, Any]) -> EInvoice:
    """Rebuild an e-invoice from :func:`einvoice_to_data`'s form."""
    return EInvoice(
        syntax=InvoiceSyntax(data["syntax"]),
        number=str(data["number"]),
        issue_date=date.fromisoformat(data["issue_date"]),
        due_date=date.fromisoformat(data["due_date"]) if data.get("due_date") else None,
        amount_due_cents=int(data["amount_due_cents"]),
        currency=str(data["currency"]),
        seller_siren=data.get("seller_siren"),
        buyer_siren=data.get("buyer_siren"),
    )
