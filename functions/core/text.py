"""Text shared by several surfaces: folding and the rules of search, and what people typed, made safe in e-mails.

Search: the directory API (the store's name look-ups) and the site's shards follow
the same rules. A name is found by the start of any of its first
``MAX_NAME_WORDS + 1`` words, one letter long or more ("A&B Bâtiment" by "a&b",
"b bat" or "bât"); a query needs ``MIN_QUERY_LENGTH`` folded characters, spaces
included ("a b" is three). ``static/recherche.js`` folds as ``fold`` does.
"""

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


# Words after the first that start a look-up key of their own: bounds the keys (and the store's writes) per name.
MAX_NAME_WORDS = 8
MIN_QUERY_LENGTH = 2


def name_suffixes(folded_name: str) -> list[str]:
    """The folded name from each of its words to the end: the whole name first, then one per further word."""
    words = folded_name.split()
    return [" ".join(words[n:]) for n in range(min(len(words), MAX_NAME_WORDS + 1))]


def searchable(folded_query: str) -> bool:
    """Whether a folded query is long enough to be looked up."""
    return len(folded_query) >= MIN_QUERY_LENGTH
