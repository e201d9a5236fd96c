"""Paged lists (the directory, the register) and the sitemap: pure functions of the records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from functions.core.services.site_snapshot import CompanyRecord
from functions.core.text import fold

PAGE_SIZE = 100
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
LETTERS = [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0-9"]
DIRECTORY = "entreprises/"
REGISTER = "charte/signataires/"


@dataclass(frozen=True)
class ListPage:
    """One page of a paged list: its number, the page count and its companies."""

    number: int
    pages: int
    companies: tuple[CompanyRecord, ...]


def list_url(base: str, number: int) -> str:
    """``entreprises/`` for page 1, ``entreprises/page/2/`` after."""
    return base if number == 1 else f"{base}page/{number}/"


def alphabetical(records: Iterable[CompanyRecord]) -> list[CompanyRecord]:
    """Sort by folded name (accents and case ignored), then SIREN."""
    return sorted(records, key=lambda r: (fold(r.name), r.siren))


def paginate(records: Sequence[CompanyRecord], size: int = PAGE_SIZE) -> list[ListPage]:
    """Cut a sorted list into pages; an empty list still has its first page."""
    pages = max(1, -(-len(records) // size))
    return [ListPage(n + 1, pages, tuple(records[n * size : (n + 1) * size])) for n in range(pages)]


def letter_targets(records: Sequence[CompanyRecord], size: int = PAGE_SIZE) -> list[tuple[str, int | None]]:
    """For each initial (A-Z, then digits), the page holding the first name that starts with it."""
    first: dict[str, int] = {}
    for position, record in enumerate(records):
        initial = fold(record.name)[:1].upper()
        letter = "0-9" if initial.isdigit() else initial
        first.setdefault(letter, position // size + 1)
    return [(letter, first.get(letter)) for letter in LETTERS]


def urlset(base_url: str, paths: Iterable[str]) -> bytes:
    """A sitemap of site paths (``""`` is the home page)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    lines += [f"<url><loc>{escape(base_url.rstrip('/') + '/' + path)}</loc></url>" for path in paths]
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def sitemap_index(base_url: str, files: Iterable[str]) -> bytes:
    """The sitemap index naming every sitemap file."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"<sitemap><loc>{escape(base_url.rstrip('/') + '/' + name)}</loc></sitemap>" for name in files]
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode()
