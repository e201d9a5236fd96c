"""Text folding shared by search on the API and on the site."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lowercase, strip accents and punctuation, collapse spaces: "Café-Hôtel" -> "cafe hotel"."""
    decomposed = unicodedata.normalize("NFKD", text)
    # Lower case first, so that capital ligatures ("Œuvre") fold like small ones.
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    ascii_only = ascii_only.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return _NON_WORD.sub(" ", ascii_only).strip()
