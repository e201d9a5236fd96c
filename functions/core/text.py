"""Text shared by several surfaces: folding for search, and what people typed, made safe to repeat in e-mails."""

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


def one_line(text: str) -> str:
    """Return ``text`` without control characters or line breaks (an e-mail header refuses them)."""
    visible = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    return " ".join(visible.split())


# What mail clients turn into links: a scheme ("http:", "mailto:"...) and a host name
# ("evil.example", "www.x.fr"): a dot between a letter or digit and two letters.
# Dots in "S.A.R.L." or "3.5" are left alone. The ideographic and full-width stops
# count as dots because IDNA maps them to one.
_SCHEME = re.compile(r"(?i)\b(https?|ftps?|mailto|tel|sms|file|data|javascript)\s*:")
_HOST_DOT = re.compile(r"(?<=[^\W_])[.\u3002\uff0e\uff61](?=[^\W\d_]{2})")


def as_typed(text: str) -> str:
    """Quote what a person typed, for an e-mail that repeats it: one line, between « », never a link.

    Whoever fills in a form may type someone else's address and make Ardoise
    write to them: what they typed is shown as a quotation, with its schemes
    and host names defused (``http[:]//evil[.]example``) so that no mail
    client offers it as a link.
    """
    defused = _HOST_DOT.sub("[.]", _SCHEME.sub(r"\1[:]", one_line(text)))
    return f"« {defused} »"
