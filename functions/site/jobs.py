"""Every file of the site as a job: its path, the digest of its inputs (its key), how to make it.

A job whose key is the same as at the previous build is *kept*: not rendered, not
written. Keys are cheap: company pages are keyed by their record's digest (never
the day: pages state dates, the browser counts days), lists by the digests of the records
they show, MkDocs files by the MkDocs build's key, search shards and sitemaps by
their content. Groups of files made together (the shards under one root of the
search tree, the sitemaps) carry a group key: an unchanged group is kept whole,
without being built at all.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from functions.core.domain.charter import SignatureStatus
from functions.core.usecases.site_snapshot import CompanyRecord, SiteSnapshot
from functions.site.facts import RecordFacts, digest
from functions.site.listing import (
    DIRECTORY,
    REGISTER,
    SECTION_LABELS,
    SECTIONS,
    ListPage,
    page_slug,
    page_starts,
    sitemap_index,
    stable_pages,
    urlset,
)
from functions.site.mkdocs_stage import MkDocsOutput
from functions.site.render import TEMPLATES, Renderer, page_file
from functions.site.search_index import (
    FOLDER,
    LEAF_BUDGET,
    MAX_KEY,
    TOP_ROWS,
    SearchIndex,
    all_roots,
    build_search_index,
    root_of_file,
)
from functions.site.state import GENERATOR_VERSION, BuildState

RECENT_SIGNATURES = 10
SLOT = '<div data-ardoise="{}"></div>'
SLOT_PAGES = {
    "index.html": "accueil-chiffres",
    "entreprises/index.html": "annuaire",
    "charte/signataires/index.html": "signataires",
    "charte/index.html": "charte-signataires",
    "sources/index.html": "sources",
}
# The search shards of the previous build can be kept only if they were cut the same way.
SEARCH_VERSION = f"{GENERATOR_VERSION}:{LEAF_BUDGET}:{TOP_ROWS}:{MAX_KEY}"
_LOC = re.compile(r"<loc>([^<]*)</loc>")

Produce = Callable[[], bytes]


@dataclass(slots=True)
class Job:
    """One output file to make: where it goes, what it is made from, how to make it."""

    path: str
    key: str
    produce: Produce


@dataclass(frozen=True)
class ListSpec:
    """A paged list: where its pages live, whose chrome they wear, their heading and template."""

    base: str
    chrome: str
    heading: str
    template: str


DIRECTORY_LIST = ListSpec(DIRECTORY, "annuaire", "Annuaire des entreprises", "directory_list.html")
REGISTER_LIST = ListSpec(REGISTER, "registre", "Les signataires de la charte", "register_list.html")
SECTIONS_NAV = [(SECTION_LABELS[start], page_slug(start)) for start in SECTIONS]


@dataclass
class Plan:
    """The jobs to run, the files kept from the previous build, the group keys, search figures."""

    jobs: list[Job] = field(default_factory=list)
    kept: dict[str, tuple[str, str]] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    search_files: int = 0
    search_worst_bytes: int = 0


class Planner:
    """Lists the jobs of one build, keeping what did not change since ``previous``."""

    def __init__(
        self,
        snapshot: SiteSnapshot,
        mkdocs: MkDocsOutput,
        renderer: Renderer,
        facts: Mapping[str, RecordFacts],
        previous: BuildState,
    ) -> None:
        self.snapshot = snapshot
        self.mkdocs = mkdocs
        self.renderer = renderer
        self.facts = facts
        self.previous = previous
        self.base_url = renderer.base_url
        self.plan = Plan()
        order = sorted(snapshot.companies, key=lambda c: facts[c.siren].folded + "\0" + c.siren)
        self.listed = [c for c in order if c.reports]
        self.signatories = [c for c in order if c.charter]
        self.counts = Counter(c.charter.status for c in self.signatories if c.charter)
        self.directory_pages = self.pages(DIRECTORY_LIST, self.listed)
        self.register_pages = self.pages(REGISTER_LIST, self.signatories)
        self.template_key = self._template_key()

    def _template_key(self) -> str:
        parts = [GENERATOR_VERSION, self.base_url, self.snapshot.charter_version]
        parts += [self.renderer.chromes[name] for name in sorted(self.renderer.chromes)]
        parts += [path.read_text() for path in sorted(TEMPLATES.glob("*"))]
        return digest("\0".join(parts).encode())

    def make(self, timings: dict[str, float] | None = None, *, pages: bool = True, rest: bool = True) -> Plan:
        """Plan the files: the ``pages`` (hand-written and company pages), then the ``rest`` (lists, sitemaps, search).

        The two parts can be planned one after the other: workers render the pages while the rest is planned.
        """
        steps = [*((self.mkdocs_jobs, self.company_jobs) if pages else ())]
        steps += [*((self.list_jobs, self.sitemap_jobs, self.search_jobs) if rest else ())]
        for step in steps:
            started = time.perf_counter()
            step()
            if timings is not None:
                timings["plan " + step.__name__.removesuffix("_jobs")] = time.perf_counter() - started
        return self.plan

    def add(self, path: str, key: str, produce: Produce) -> None:
        """Plan a file: kept when its key did not change, else a job."""
        previous = self.previous.files.get(path)
        if previous is not None and previous[0] == key:
            self.plan.kept[path] = previous
        else:
            self.plan.jobs.append(Job(path, key, produce))

    def keep_group(self, name: str, key: str, paths: Iterable[str]) -> bool:
        """Keep every file of a group whose key did not change; tell whether it was kept."""
        self.plan.groups[name] = key
        if self.previous.groups.get(name) != key:
            return False
        files = self.previous.files
        kept = {path: files[path] for path in paths if path in files}
        self.plan.kept.update(kept)
        return True

    # -- the hand-written pages, some with a slot the generator fills ------------------
    def mkdocs_jobs(self) -> None:
        slots = self.slot_contents()
        for relative in self.mkdocs.files():
            source = self.mkdocs.folder / relative
            if relative == "sitemap.xml":
                continue  # ours replaces it
            if relative in SLOT_PAGES:
                name = SLOT_PAGES[relative]
                fill = slots[name]
                self.add(relative, digest(f"{self.mkdocs.key}\0{fill}".encode()), _filled(source, name, fill))
            else:
                self.add(relative, f"mkdocs:{self.mkdocs.key}", source.read_bytes)

    def status_counts(self) -> dict[str, int]:
        return {status.value: self.counts[status.value] for status in SignatureStatus}

    def slot_contents(self) -> dict[str, str]:
        render = self.renderer.fragment
        recent = sorted(self.signatories, key=lambda c: c.charter.signed_on if c.charter else date.min, reverse=True)
        figures = {
            "listed": len(self.listed),
            "outstanding": sum(c.outstanding_cents for c in self.listed),
            "signatories": self.counts["active"],
        }
        return {
            "accueil-chiffres": render("home_figures.html", url="", **figures),
            "annuaire": render("directory_index.html", url=DIRECTORY, total=len(self.listed), sections=SECTIONS_NAV),
            "signataires": render(
                "register_index.html",
                url=REGISTER,
                total=len(self.signatories),
                sections=SECTIONS_NAV,
                counts=self.status_counts(),
                charter_version=self.snapshot.charter_version,
            ),
            "charte-signataires": render(
                "charter_signatories.html",
                url="charte/",
                recent=recent[:RECENT_SIGNATURES],
                counts=self.status_counts(),
            ),
            "sources": render("sources.html", url="sources/", imports=self.snapshot.sources),
        }

    # -- company pages -----------------------------------------------------------------
    def company_jobs(self) -> None:
        # A page depends on its record and the templates only (never on the day: it states dates).
        unchanged = self.previous.groups.get("pages") == self.template_key
        self.plan.groups["pages"] = self.template_key
        previous_facts, files = self.previous.facts, self.previous.files
        for record in self.snapshot.companies:
            path = page_file(record.path.lstrip("/"))
            facts = self.facts[record.siren]
            if unchanged and previous_facts.get(record.siren) is facts and path in files:
                self.plan.kept[path] = files[path]  # fast path: nothing about this page changed
                continue
            key = digest(f"{self.template_key}\0{facts.digest}".encode())
            self.add(path, key, _company(self.renderer, record))

    # -- paged lists --------------------------------------------------------------------
    def pages(self, spec: ListSpec, records: list[CompanyRecord]) -> list[ListPage]:
        """The list's pages, cut where the previous build cut them while they still fit (see ``page_starts``)."""
        keys = [self.facts[record.siren].folded + "\0" + record.siren for record in records]
        name = f"starts:{spec.base}"
        kept = self.previous.groups.get(name)
        starts = page_starts(keys, kept.split("\n") if kept is not None else ())
        self.plan.groups[name] = "\n".join(starts)
        return stable_pages(spec.base, records, keys, starts)

    def list_jobs(self) -> None:
        for page in self.directory_pages:
            self.list_job(DIRECTORY_LIST, page)
        for page in self.register_pages:
            self.list_job(REGISTER_LIST, page)

    def list_job(self, spec: ListSpec, page: ListPage) -> None:
        # A page's key: what it shows (never the list's total, nor other pages' companies), so that
        # a company entering, changing or leaving the list rewrites its own page only.
        inputs = [self.template_key, spec.base, page.start, page.previous or "", page.next or ""]
        inputs += [self.facts[c.siren].digest for c in page.companies]
        label = SECTION_LABELS[page.section]
        if page.continued:
            title = f"{spec.heading} — {label}, à partir de « {page.start.capitalize()} »"
        else:
            title = f"{spec.heading} — {label}"
        what = "un chiffre" if page.section == "" else f"la lettre {label}"
        description = f"{spec.heading} : les noms qui commencent par {what}" + (
            f", à partir de « {page.start.capitalize()} »." if page.continued else "."
        )
        renderer, companies = self.renderer, page.companies
        values = {"sections": SECTIONS_NAV, "previous": page.previous, "next": page.next, "section": label}

        def produce() -> bytes:
            html = renderer.list_page(
                page.url, chrome=spec.chrome, heading=title, description=description,
                list_template=spec.template, companies=companies, **values,
            )  # fmt: skip
            return html.encode()

        self.add(page_file(page.url), digest("\0".join(inputs).encode()), produce)

    # -- sitemap ------------------------------------------------------------------------
    def sitemap_jobs(self) -> None:
        prefix = self.base_url + "/"
        handwritten = _LOC.findall((self.mkdocs.folder / "sitemap.xml").read_text())
        pages = [loc.removeprefix(prefix) for loc in handwritten if loc.startswith(prefix)]
        pages += [page.url for page in self.directory_pages]
        pages += [page.url for page in self.register_pages]
        companies = [record.path.lstrip("/") for record in self.snapshot.companies]
        key = digest("\n".join([self.base_url, *pages, *companies]).encode())
        previous = [path for path in self.previous.files if path.startswith("sitemap")]
        if self.keep_group("sitemaps", key, previous):
            return
        by_digit: dict[str, list[str]] = {}
        for path in companies:
            by_digit.setdefault(path.removeprefix(DIRECTORY)[0], []).append(path)
        files = {"sitemaps/pages.xml": urlset(self.base_url, pages)}
        for first, paths in sorted(by_digit.items()):
            files[f"sitemaps/entreprises-{first}.xml"] = urlset(self.base_url, paths)
        files["sitemap.xml"] = sitemap_index(self.base_url, files)
        for path, data in files.items():
            self.add(path, "ready:" + digest(data), _ready(data))

    # -- search shards ------------------------------------------------------------------
    def search_jobs(self) -> None:
        """Rebuild the subtrees of the roots that a changed, new or removed record touches; keep the others."""
        previous_facts = self.previous.facts
        touched: set[str] = set()
        for siren, facts in self.facts.items():
            before = previous_facts.get(siren)
            if before is not facts:
                touched.update(key[:2] for key in facts.keys)
                touched.update(key[:2] for key in (before.keys if before else ()))
        for siren, before in previous_facts.items():
            if siren not in self.facts:
                touched.update(key[:2] for key in before.keys)
        fresh = self.previous.groups.get("search") != SEARCH_VERSION or not previous_facts
        roots = set(all_roots()) if fresh else touched
        self.plan.groups["search"] = SEARCH_VERSION
        shards: dict[str, list[str]] = {}
        for path in self.previous.files:
            if path.startswith(FOLDER + "/"):
                shards.setdefault(root_of_file(path), []).append(path)
        for root, paths in shards.items():
            if root not in roots:
                self.plan.kept.update({path: self.previous.files[path] for path in paths})
        index = build_search_index(self.snapshot.companies, self.facts, roots) if roots else SearchIndex()
        for path, data in index.files.items():
            self.add(path, "ready:" + digest(data), _ready(data))
        worst = {f"search-worst:{root}": str(size) for root, size in _worst_by_root(index.path_bytes).items()}
        for name, size in self.previous.groups.items():
            if name.startswith("search-worst:") and name.removeprefix("search-worst:") not in roots:
                worst[name] = size
        self.plan.groups.update(worst)
        self.plan.search_files = sum(len(paths) for root, paths in shards.items() if root not in roots)
        self.plan.search_files += len(index.files)
        self.plan.search_worst_bytes = max((int(size) for size in worst.values()), default=0)


def _worst_by_root(path_bytes: Mapping[str, int]) -> dict[str, int]:
    worst: dict[str, int] = {}
    for key, size in path_bytes.items():
        worst[key[:2]] = max(worst.get(key[:2], 0), size)
    return worst


def _ready(data: bytes) -> Produce:
    return lambda: data


def _filled(source: Path, name: str, fill: str) -> Produce:
    def produce() -> bytes:
        html = source.read_text()
        slot = SLOT.format(name)
        if slot not in html:
            raise ValueError(f"{source}: the slot {slot} is missing")
        return html.replace(slot, fill).encode()

    return produce


def _company(renderer: Renderer, record: CompanyRecord) -> Produce:
    return lambda: renderer.company_page(record).encode()
