"""A CDAR lifecycle message (the French reform's "cycle de vie", UN/CEFACT CrossDomainAcknowledgementAndResponse).

Read are what the report needs, by the reform's data elements:

- the status code (MDT-105): ``AcknowledgementDocument/ReferenceReferencedDocument/ProcessConditionCode``;
- its date (MDT-78): ``AcknowledgementDocument/IssueDateTime/DateTimeString`` (format 204
  ``AAAAMMJJHHMMSS``, or 102 ``AAAAMMJJ``);
- the invoice it concerns (MDT-87): ``ReferenceReferencedDocument/IssuerAssignedID``;
- the reason given, if any: ``SpecifiedDocumentStatus/Reason``.

Elements are matched by local name, whatever the namespace version, and the
message is screened like any XML (no DTD, no entity). Only a message about
one invoice is read.
"""

from __future__ import annotations

import xml.etree.ElementTree as StdElementTree
from dataclasses import dataclass
from datetime import date

from functions.core.einvoices.safe_xml import UnsafeXml, local_name, screened

ROOT = "CrossDomainAcknowledgementAndResponse"
MAX_REASON = 1000


class UnreadableCdar(ValueError):
    """Not a CDAR lifecycle message this reader understands (French message)."""


@dataclass(frozen=True)
class CdarStatus:
    """What a CDAR message says of one invoice."""

    code: int
    on: date
    invoice_number: str | None
    reason: str


def _children(element: StdElementTree.Element, name: str) -> list[StdElementTree.Element]:
    return [child for child in element if local_name(child.tag) == name]


def _child(element: StdElementTree.Element, *path: str) -> StdElementTree.Element | None:
    current: StdElementTree.Element | None = element
    for name in path:
        found = _children(current, name) if current is not None else []
        current = found[0] if found else None
    return current


def _text(element: StdElementTree.Element | None) -> str:
    return (element.text or "").strip() if element is not None else ""


def _date(raw: str) -> date:
    digits = raw.strip()
    if len(digits) not in (8, 12, 14) or not digits.isdigit():
        raise UnreadableCdar(f"La date du statut (MDT-78) « {raw[:40]} » n'est pas au format AAAAMMJJ[HHMMSS].")
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError as exc:
        raise UnreadableCdar(f"La date du statut (MDT-78) « {raw[:40]} » n'existe pas.") from exc


def read_cdar(content: bytes) -> CdarStatus:
    """Read a CDAR message's status code, date, invoice number and reason; raise :class:`UnreadableCdar`."""
    try:
        root = screened(content)
    except UnsafeXml as exc:
        raise UnreadableCdar(str(exc)) from exc
    if local_name(root.tag) != ROOT:
        raise UnreadableCdar(f"Ce message n'est pas un CDAR (élément racine {ROOT} attendu).")
    acknowledgements = _children(root, "AcknowledgementDocument")
    if len(acknowledgements) != 1:
        raise UnreadableCdar("Le message CDAR doit porter un seul AcknowledgementDocument.")
    acknowledgement = acknowledgements[0]
    references = _children(acknowledgement, "ReferenceReferencedDocument")
    if len(references) != 1:
        raise UnreadableCdar("Le message CDAR doit concerner une seule facture (un ReferenceReferencedDocument).")
    reference = references[0]
    code = _text(_child(reference, "ProcessConditionCode"))
    if not (len(code) == 3 and code.isdigit()):
        raise UnreadableCdar("Le message CDAR ne porte pas de code de statut (MDT-105, trois chiffres).")
    when = _text(_child(acknowledgement, "IssueDateTime", "DateTimeString"))
    if not when:
        raise UnreadableCdar("Le message CDAR ne porte pas la date du statut (MDT-78).")
    reasons = [
        _text(_child(status, "Reason")) or _text(_child(status, "ReasonCode"))
        for status in _children(reference, "SpecifiedDocumentStatus")
    ]
    return CdarStatus(
        code=int(code),
        on=_date(when),
        invoice_number=_text(_child(reference, "IssuerAssignedID")) or None,
        reason=" ; ".join(r for r in reasons if r)[:MAX_REASON],
    )
