"""A Factur-X PDF, a CII or a UBL XML, read into the business terms a report relies on.

Akretion's ``factur-x`` does the EN 16931 work: it extracts the XML a
Factur-X PDF carries (``get_xml_from_pdf``), validates it against the
official XSDs it ships (Factur-X/CII D16B per profile, UBL 2.1 Invoice) and
maps it to business terms (``parse_ubl_cii_xml``). Before lxml sees any XML,
:func:`~functions.core.einvoices.safe_xml.screened` refuses a DTD; lxml then
parses with entities unresolved and the network off, so that nothing in the
file is expanded or fetched even past the screening.

Importing this module costs lxml, pypdf and factur-x (about 0.16 s and
14 MiB of XSDs): the API stages never do; the ``einvoice`` stage does.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import facturx
from facturx.parse_xml import parse_ubl_cii_xml
from lxml import etree

from functions.core.domain.einvoice import EInvoice, InvoiceSyntax
from functions.core.einvoices import NoEInvoiceInside, UnreadableEInvoice
from functions.core.einvoices.safe_xml import UnsafeXml, screened
from functions.core.identifiers import InvalidIdentifier, parse_company
from functions.core.money import cents_from_euros

# Factur-X profiles that are not complete EN 16931 invoices (no lines, no VAT breakdown).
INCOMPLETE_PROFILES = {"minimum": "MINIMUM", "basicwl": "BASIC WL"}
# UNTDID 1001 invoice type codes of a credit note: an "avoir" proves no debt.
CREDIT_NOTE_TYPES = frozenset({"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"})
# Legal registration identifier schemes (ISO 6523): 0002 is the SIREN, 0009 the SIRET.
SIREN_SCHEMES = frozenset({"0002", "0009", ""})
# The root elements of the two syntaxes, namespaces included, and the library's name for each.
ROOTS = {
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice": "factur-x",
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "ubl-2.1-invoice",
}
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
# The library's own messages (in English) are cut in ours: enough to locate the fault.
MAX_REASON = 300


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_einvoice(content: bytes) -> EInvoice:
    """Read a Factur-X PDF or a CII/UBL XML; raise :class:`UnreadableEInvoice` saying why it is not an invoice."""
    if content.startswith(b"%PDF-"):
        return _from_xml(_xml_of_pdf(content), InvoiceSyntax.FACTURX)
    return _from_xml(content, None)


def looks_like_xml(content: bytes) -> bool:
    """Whether the bytes start like an XML document (after a BOM and spaces)."""
    return content.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"<"


def _xml_of_pdf(content: bytes) -> bytes:
    try:
        # check_xsd=False: the XML is screened and validated below, as an XML file sent alone would be.
        _name, xml = facturx.get_xml_from_pdf(content, check_xsd=False)
    except Exception as exc:  # pypdf's and the library's errors have no common base: a broken PDF, said so
        raise UnreadableEInvoice(f"Ce PDF est illisible ({_cut(exc)}).") from exc
    if not xml:
        raise NoEInvoiceInside(
            "Ce PDF ne contient pas de facture Factur-X (aucun fichier factur-x.xml joint) : "
            "joignez-le comme facture PDF ordinaire, ou envoyez la facture électronique."
        )
    return bytes(xml)


def _cut(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= MAX_REASON else text[: MAX_REASON - 1] + "…"


def _from_xml(content: bytes, syntax: InvoiceSyntax | None) -> EInvoice:
    try:
        screened(content)
    except UnsafeXml as exc:
        raise UnreadableEInvoice(str(exc)) from exc
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        raise UnreadableEInvoice(f"Le fichier n'est pas un XML bien formé ({_cut(exc)}).") from exc
    if root.tag == UBL_CREDIT_NOTE:
        raise UnreadableEInvoice("Ce fichier est un avoir UBL, pas une facture.")
    flavor = ROOTS.get(root.tag)
    if flavor is None:
        raise UnreadableEInvoice(
            "Ce fichier n'est ni une facture CII (Factur-X) ni une facture UBL "
            f"(élément racine « {_cut(ValueError(root.tag))} »)."
        )
    if flavor == "factur-x":
        _require_complete_profile(root)
    try:
        terms: dict[str, Any] = parse_ubl_cii_xml(root, flavor=flavor, check_xsd=True)
    except Exception as exc:  # the XSD's verdict (or a value the mapping cannot read), in the library's words
        raise UnreadableEInvoice(
            f"La facture électronique n'est pas conforme à la norme EN 16931 : {_cut(exc)}"
        ) from exc
    found = syntax or (InvoiceSyntax.CII if flavor == "factur-x" else InvoiceSyntax.UBL)
    return _einvoice(terms, found)


def _require_complete_profile(root: Any) -> None:
    try:
        level = facturx.get_level(root, "factur-x")
    except Exception as exc:  # no guideline identifier (BT-24) the library knows
        raise UnreadableEInvoice(f"Profil Factur-X inconnu ({_cut(exc)}).") from exc
    if level in INCOMPLETE_PROFILES:
        raise UnreadableEInvoice(
            f"Profil Factur-X {INCOMPLETE_PROFILES[level]} : ce n'est pas une facture EN 16931 complète "
            "(profil BASIC, EN 16931 ou EXTENDED attendu)."
        )


def _einvoice(terms: dict[str, Any], syntax: InvoiceSyntax) -> EInvoice:
    if str(terms.get("BT-3", "")) in CREDIT_NOTE_TYPES:
        raise UnreadableEInvoice("Ce fichier est un avoir (BT-3), pas une facture.")
    number, issued = terms.get("BT-1"), terms.get("BT-2")
    if not number or not isinstance(issued, date):
        raise UnreadableEInvoice("La facture électronique n'a pas de numéro (BT-1) ou de date (BT-2).")
    due = terms.get("BT-9")
    return EInvoice(
        syntax=syntax,
        number=str(number).strip(),
        issue_date=issued,
        due_date=due if isinstance(due, date) else None,
        amount_due_cents=_cents(terms.get("BT-115")),
        currency=str(terms.get("BT-5", "")).strip().upper(),
        seller_siren=_siren(terms.get("BG-4")),
        buyer_siren=_siren(terms.get("BG-7")),
    )


def _cents(raw: Any) -> int:
    try:
        amount = Decimal(str(raw))
    except InvalidOperation as exc:
        raise UnreadableEInvoice(f"Le montant à payer (BT-115) « {raw} » n'est pas un nombre.") from exc
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:  # NaN, infinity, or finer than the cent
        raise UnreadableEInvoice(f"Le montant à payer (BT-115) « {raw} » n'est pas un montant en centimes.")
    return cents_from_euros(amount)


def _siren(party: Any) -> str | None:
    """The party's SIREN from its legal registration identifier (BT-30, BT-47), or None."""
    if not isinstance(party, dict):
        return None
    identifier = str(party.get("legal_identifier") or "")
    if str(party.get("legal_identifier_schemeid") or "") not in SIREN_SCHEMES or not identifier:
        return None
    try:
        return parse_company(identifier)
    except InvalidIdentifier:
        return None
