"""Paged lists (the directory, the register) and the sitemap: pure functions of the records and the previous cuts."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

from functions.core.usecases.site_snapshot import CompanyRecord

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
DIRECTORY = "entreprises/"
REGISTER = "charte/signataires/"

# Every initial starts a section of its own, whose first page has a fixed address (``page/b/``): the
# initials' navigation, on every page, never changes. The first section ("") holds the names that
# start with a digit (or fold to nothing).
SECTIONS: tuple[str, ...] = ("", *"abcdefghijklmnopqrstuvwxyz")
SECTION_LABELS: dict[str, str] = {"": "0-9", **{letter: letter.upper() for letter in SECTIONS[1:]}}
# A page is cut in two past MOST companies and merged into the page before it below FEWEST.
TARGET, MOST, FEWEST = 100, 150, 30


@dataclass(frozen=True)
class ListPage:
    """One page of a list: where it starts (a key prefix), its address, its companies, its neighbours."""

    start: str
    url: str
    companies: tuple[CompanyRecord, ...]
    previous: str | None = None
    next: str | None = None

    @property
    def section(self) -> str:
        return section_of(self.start)

    @property
    def continued(self) -> bool:
        """Whether the page continues its section (it does not start it)."""
        return self.start not in SECTIONS


def section_of(key: str) -> str:
    """The section of a folded key: its initial when a letter, else ``""`` (digits)."""
    return key[0] if key[:1].isalpha() else ""


def page_slug(start: str) -> str:
    """A page's name in its address: the section's (``a``, ``0-9``) or its start, spaces as ``_``."""
    if start in SECTIONS:
        return SECTION_LABELS[start].lower()
    return start.replace(" ", "_")


def page_url(base: str, start: str) -> str:
    return f"{base}page/{page_slug(start)}/"


def separator(before: str, after: str) -> str:
    """The shortest start of the name ``after`` that sorts after the name ``before`` (``after`` > ``before``)."""
    for length in range(1, len(after) + 1):
        if after[:length] > before:
            return after[:length]
    raise ValueError(f"{after!r} does not sort after {before!r}")


def page_starts(keys: Sequence[str], previous: Iterable[str] = ()) -> list[str]:
    """Where each page of a list starts, keeping the previous cuts where they still fit.

    ``keys`` are the sorted keys of the list (folded name, ``"\0"``, SIREN). A
    company entering or leaving the list changes its own page only: pages are
    ranges of names, not positions. Only a page grown past ``MOST`` is cut (at
    a change of name, by the shortest start of a name that separates the two
    halves), and only a page shrunk below ``FEWEST`` is merged into the page
    before it (section starts stay), so the cuts, hence the addresses, move rarely.
    """
    names = [key.partition("\0")[0] for key in keys]
    starts = sorted(set(SECTIONS) | {start for start in previous if start})

    def bounds(position: int, ordered: list[str]) -> tuple[int, int]:
        low = bisect_left(names, ordered[position])
        high = bisect_left(names, ordered[position + 1]) if position + 1 < len(ordered) else len(names)
        return low, high

    merged: list[str] = []
    sizes: list[int] = []
    for position, start in enumerate(starts):
        low, high = bounds(position, starts)
        if start not in SECTIONS and merged and high - low < FEWEST and sizes[-1] + high - low <= MOST:
            sizes[-1] += high - low
            continue
        merged.append(start)
        sizes.append(high - low)
    cut: list[str] = []
    for position, start in enumerate(merged):
        cut.append(start)
        low, high = bounds(position, merged)
        if high - low <= MOST:
            continue
        pieces = -(-(high - low) // TARGET)
        for piece in range(1, pieces):
            at = low + piece * (high - low) // pieces
            while at < high and names[at] == names[at - 1]:
                at += 1  # never between two companies of the same name: a page's address names no SIREN
            if at < high and (boundary := separator(names[at - 1], names[at])) > cut[-1]:
                cut.append(boundary)
    return cut


def stable_pages(
    base: str, records: Sequence[CompanyRecord], keys: Sequence[str], starts: Sequence[str]
) -> list[ListPage]:
    """Cut a sorted list into the pages that ``starts`` (from :func:`page_starts`) define, linked in order."""
    names = [key.partition("\0")[0] for key in keys]
    pages = []
    for position, start in enumerate(starts):
        low = bisect_left(names, start)
        high = bisect_left(names, starts[position + 1]) if position + 1 < len(starts) else len(names)
        pages.append(ListPage(start, page_url(base, start), tuple(records[low:high])))
    urls = [page.url for page in pages]
    return [
        replace(page, previous=urls[n - 1] if n else None, next=urls[n + 1] if n + 1 < len(urls) else None)
        for n, page in enumerate(pages)
    ]


def section_counts(pages: Iterable[ListPage]) -> list[tuple[str, str, int]]:
    """For each section: its label (``A``, ``0-9``), its first page's address and how many companies it holds."""
    counts = dict.fromkeys(SECTIONS, 0)
    for page in pages:
        counts[page.section] += len(page.companies)
    return [(SECTION_LABELS[start], page_slug(start), count) for start, count in counts.items()]


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
