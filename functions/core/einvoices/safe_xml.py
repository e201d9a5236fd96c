"""Screening untrusted XML before any parser that could expand entities sees it.

An EN 16931 invoice or a CDAR message never needs a document type
declaration: refusing any DTD refuses, before anything is expanded or
fetched, the "billion laughs" (nested internal entities), external entities
(XXE: local files, network) and external DTDs alike. defusedxml does the
refusing on the standard library's expat parser.
"""

from __future__ import annotations

import xml.etree.ElementTree as StdElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

# Far above any real invoice (a few hundred KB with its lines), far below a memory worry.
MAX_XML_BYTES = 5 * 1024 * 1024


class UnsafeXml(ValueError):
    """XML refused before parsing: a DTD, entities, malformed or too large (French message)."""


def screened(content: bytes) -> StdElementTree.Element:
    """Parse ``content`` with no DTD, entity or external reference allowed; return its root element."""
    if len(content) > MAX_XML_BYTES:
        raise UnsafeXml("Le fichier XML dépasse 5 Mo.")
    try:
        root: StdElementTree.Element = fromstring(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(
            "Le fichier XML déclare une DTD ou des entités (refusées : une facture électronique n'en a pas besoin)."
        ) from exc
    except StdElementTree.ParseError as exc:
        raise UnsafeXml(f"Le fichier n'est pas un XML bien formé ({exc}).") from exc
    return root


def local_name(tag: str) -> str:
    """``{urn:...}ID`` -> ``ID``: messages are matched by element names whatever their namespace version."""
    return tag.rpartition("}")[2]
