"""The site generator: MkDocs for the hand-written pages, our own renderer for the rest.

A build turns a :class:`SiteSnapshot` into a folder (``<build dir>/out``) holding
the whole site. Every output file is a job with a *key*, the digest of what it is
made from. The build state (``state.json``) remembers each file's key and content
digest: a job whose key did not change is skipped without rendering; a rendered
file whose content did not change is not rewritten. So an incremental build
renders and writes only what a change touched, and the publisher knows every
file's digest without reading it.

Company pages are rendered in worker processes when there are many (fork: the
workers inherit the records and the compiled templates).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import multiprocessing
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from functions.charter.badge import render_badge
from functions.core.domain.charter import SignatureStatus
from functions.core.services.site_snapshot import CompanyRecord, SiteSnapshot
from functions.site.chrome import chrome_template
from functions.site.handwritten import HandwrittenInputs
from functions.site.listing import (
    DIRECTORY,
    REGISTER,
    alphabetical,
    letter_targets,
    list_url,
    paginate,
    sitemap_index,
    urlset,
)
from functions.site.mkdocs_stage import MkDocsOutput, ensure_mkdocs
from functions.site.render import TEMPLATES, Renderer, page_file
from functions.site.search_index import build_search_index

GENERATOR_VERSION = "1"
STATE_FILE = "state.json"
PARALLEL_MIN = 2_000
RECENT_SIGNATURES = 10
SLOT = '<div data-ardoise="{}"></div>'
SLOT_PAGES = {
    "index.html": "accueil-chiffres",
    "entreprises/index.html": "annuaire",
    "charte/signataires/index.html": "signataires",
    "charte/index.html": "charte-signataires",
}
_LOC = re.compile(r"<loc>([^<]*)</loc>")

Produce = Callable[[], bytes]


@dataclass(frozen=True)
class ListSpec:
    """A paged list: where its pages live, whose chrome they wear, their heading and template."""

    base: str
    chrome: str
    heading: str
    template: str


DIRECTORY_LIST = ListSpec(DIRECTORY, "annuaire", "Annuaire des entreprises", "directory_list.html")
REGISTER_LIST = ListSpec(REGISTER, "registre", "Les signataires de la charte", "register_list.html")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _flat(value: Any) -> Any:
    """A marshal-able copy of a record (dates as ordinals), for fast digests."""
    if value is None or isinstance(value, str | int):
        return value
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, tuple):
        return tuple(_flat(item) for item in value)
    return tuple(_flat(getattr(value, name)) for name in value.__slots__)


def record_digest(record: CompanyRecord) -> str:
    return digest(marshal.dumps(_flat(record)))


@dataclass
class Job:
    """One output file: where it goes, what it is made from, how to make it."""

    path: str
    key: str
    produce: Produce


@dataclass
class BuildReport:
    """What a build did."""

    files: int = 0
    rendered: int = 0
    written: int = 0
    deleted: int = 0
    company_pages: int = 0
    mkdocs_built: bool = False
    seconds: float = 0.0
    search_files: int = 0
    search_worst_bytes: int = 0
    written_paths: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class BuildState:
    """What the previous build left: each file's key and content digest."""

    mkdocs_key: str | None = None
    files: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> BuildState:
        try:
            data = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            return cls()
        if data.get("generator") != GENERATOR_VERSION:
            return cls()
        return cls(data.get("mkdocs_key"), {name: (k, d) for name, (k, d) in data["files"].items()})

    def save(self, path: Path) -> None:
        data = {"generator": GENERATOR_VERSION, "mkdocs_key": self.mkdocs_key, "files": self.files}
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, separators=(",", ":")))
        temporary.replace(path)


# Jobs run by forked workers: set by the parent right before it forks.
_PENDING: list[Job] = []
_PREVIOUS: dict[str, tuple[str, str]] = {}


def _write(out: Path, relative: str, data: bytes) -> None:
    target = out / relative
    try:
        target.write_bytes(data)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def _run(out: Path, indices: Iterable[int]) -> list[tuple[int, str, bool]]:
    """Render jobs; write those whose content changed. Return (index, content digest, written)."""
    results = []
    for index in indices:
        job = _PENDING[index]
        data = job.produce()
        content = digest(data)
        previous = _PREVIOUS.get(job.path)
        written = previous is None or previous[1] != content
        if written:
            _write(out, job.path, data)
        results.append((index, content, written))
    return results


def _run_chunk(args: tuple[str, list[int]]) -> list[tuple[int, str, bool]]:
    return _run(Path(args[0]), args[1])


class SiteBuilder:
    """Build the public site into ``<build_dir>/out``, incrementally."""

    def __init__(self, build_dir: Path | str, *, base_url: str, workers: int | None = None) -> None:
        self.build_dir = Path(build_dir).resolve()
        self.out = self.build_dir / "out"
        self.base_url = base_url.rstrip("/")
        self.workers = workers or os.cpu_count() or 1

    @property
    def state_path(self) -> Path:
        return self.build_dir / STATE_FILE

    def load_state(self) -> BuildState:
        state = BuildState.load(self.state_path)
        # A state without its output folder describes nothing: start again.
        return state if (self.out / "index.html").is_file() else BuildState()

    def build(self, snapshot: SiteSnapshot, inputs: HandwrittenInputs) -> BuildReport:
        """Build the site for ``snapshot``; return what was rendered, written and deleted."""
        started = time.perf_counter()
        report = BuildReport()
        self.build_dir.mkdir(parents=True, exist_ok=True)
        self.out.mkdir(exist_ok=True)
        state = self.load_state()
        mark = time.perf_counter()
        mkdocs = ensure_mkdocs(self.build_dir, inputs, self.base_url, state.mkdocs_key)
        report.mkdocs_built = mkdocs.key != state.mkdocs_key
        report.timings["mkdocs"] = time.perf_counter() - mark
        mark = time.perf_counter()
        jobs = self.plan(snapshot, mkdocs, report)
        report.timings["plan"] = time.perf_counter() - mark
        mark = time.perf_counter()
        files = self.execute(jobs, state, report)
        report.timings["render"] = time.perf_counter() - mark
        report.deleted = self.delete_stale(state, files)
        self.state_path.unlink(missing_ok=True)  # a crash below must not leave a state that lies
        BuildState(mkdocs.key, files).save(self.state_path)
        report.files = len(files)
        report.seconds = time.perf_counter() - started
        return report

    # -- planning -----------------------------------------------------------------
    def plan(self, snapshot: SiteSnapshot, mkdocs: MkDocsOutput, report: BuildReport) -> list[Job]:
        renderer = self.renderer(snapshot, mkdocs)
        template_key = self.template_key(renderer, snapshot)
        companies = snapshot.companies
        listed = alphabetical(c for c in companies if c.reports)
        signatories = alphabetical(c for c in companies if c.charter)
        jobs = self.mkdocs_jobs(mkdocs, renderer, snapshot, listed, signatories)
        jobs += self.company_jobs(companies, renderer, template_key, snapshot.as_of)
        jobs += self.list_jobs(renderer, template_key, listed, signatories, snapshot.charter_version)
        search = build_search_index(companies)
        report.search_files, report.search_worst_bytes = len(search.files), search.worst_lookup_bytes
        jobs += [_ready(path, data) for path, data in search.files.items()]
        jobs += self.sitemap_jobs(mkdocs, companies, listed, signatories)
        report.company_pages = len(companies)
        return jobs

    def renderer(self, snapshot: SiteSnapshot, mkdocs: MkDocsOutput) -> Renderer:
        chromes = {
            "annuaire": chrome_template((mkdocs.folder / DIRECTORY / "index.html").read_text(), DIRECTORY),
            "registre": chrome_template((mkdocs.folder / REGISTER / "index.html").read_text(), REGISTER),
        }
        return Renderer(chromes, base_url=self.base_url, as_of=snapshot.as_of, charter_version=snapshot.charter_version)

    def template_key(self, renderer: Renderer, snapshot: SiteSnapshot) -> str:
        parts = [GENERATOR_VERSION, self.base_url, snapshot.charter_version]
        parts += [renderer.chromes[name] for name in sorted(renderer.chromes)]
        parts += [path.read_text() for path in sorted(TEMPLATES.glob("*"))]
        return digest("\0".join(parts).encode())

    def mkdocs_jobs(
        self,
        mkdocs: MkDocsOutput,
        renderer: Renderer,
        snapshot: SiteSnapshot,
        listed: list[CompanyRecord],
        signatories: list[CompanyRecord],
    ) -> list[Job]:
        jobs = []
        slots = self.slot_contents(renderer, snapshot, listed, signatories)
        for relative in mkdocs.files():
            source = mkdocs.folder / relative
            if relative == "sitemap.xml":
                continue  # ours replaces it
            if relative in SLOT_PAGES:
                name = SLOT_PAGES[relative]
                fill = slots[name]
                jobs.append(Job(relative, digest(f"{mkdocs.key}\0{fill}".encode()), _filled(source, name, fill)))
            else:
                jobs.append(Job(relative, f"mkdocs:{mkdocs.key}", source.read_bytes))
        return jobs

    def slot_contents(
        self, renderer: Renderer, snapshot: SiteSnapshot, listed: list[CompanyRecord], signatories: list[CompanyRecord]
    ) -> dict[str, str]:
        counts = Counter(c.charter.status for c in signatories if c.charter)
        recent = sorted(signatories, key=lambda c: c.charter.signed_on if c.charter else date.min, reverse=True)
        first_directory, first_register = paginate(listed)[0], paginate(signatories)[0]
        return {
            "accueil-chiffres": renderer.fragment(
                "home_figures.html",
                url="",
                listed=len(listed),
                outstanding=sum(c.outstanding_cents for c in listed),
                signatories=counts["active"],
            ),
            "annuaire": renderer.fragment(
                "directory_list.html",
                url=DIRECTORY,
                companies=first_directory.companies,
                page=1,
                pages=first_directory.pages,
                total=len(listed),
                letters=letter_targets(listed),
            ),
            "signataires": renderer.fragment(
                "register_list.html",
                url=REGISTER,
                companies=first_register.companies,
                page=1,
                pages=first_register.pages,
                total=len(signatories),
                counts=_status_counts(counts),
                charter_version=snapshot.charter_version,
            ),
            "charte-signataires": renderer.fragment(
                "charter_signatories.html",
                url="charte/",
                recent=recent[:RECENT_SIGNATURES],
                counts=_status_counts(counts),
            ),
        }

    def company_jobs(
        self, companies: Iterable[CompanyRecord], renderer: Renderer, template_key: str, as_of: date
    ) -> list[Job]:
        jobs = []
        day = as_of.isoformat()
        for record in companies:
            folder = record.path.lstrip("/")
            # Only pages that show days overdue change with the day.
            key = digest(f"{template_key}\0{record_digest(record)}\0{day if record.reports else ''}".encode())
            jobs.append(Job(page_file(folder), key, _company(renderer, record)))
            if record.charter and record.charter.status != SignatureStatus.WITHDRAWN:
                badge_key = digest(f"badge\0{self.base_url}\0{record.name}\0{record.charter.status}".encode())
                jobs.append(Job(folder + "badge.svg", badge_key, _badge(self.base_url, record)))
        return jobs

    def list_jobs(
        self,
        renderer: Renderer,
        template_key: str,
        listed: list[CompanyRecord],
        signatories: list[CompanyRecord],
        charter_version: str,
    ) -> list[Job]:
        jobs = []
        letters = letter_targets(listed)
        for page in paginate(listed)[1:]:
            values = {"page": page.number, "pages": page.pages, "total": len(listed), "letters": letters}
            jobs.append(self.list_job(renderer, template_key, DIRECTORY_LIST, page.companies, values))
        counts = _status_counts(Counter(c.charter.status for c in signatories if c.charter))
        for page in paginate(signatories)[1:]:
            values = {"page": page.number, "pages": page.pages, "total": len(signatories), "counts": counts}
            values["charter_version"] = charter_version
            jobs.append(self.list_job(renderer, template_key, REGISTER_LIST, page.companies, values))
        return jobs

    def list_job(
        self,
        renderer: Renderer,
        template_key: str,
        spec: ListSpec,
        companies: tuple[CompanyRecord, ...],
        values: dict[str, Any],
    ) -> Job:
        url = list_url(spec.base, values["page"])
        inputs = [template_key, url, repr(sorted(values.items()))] + [record_digest(c) for c in companies]
        description = f"{spec.heading}, page {values['page']} sur {values['pages']}."

        def produce() -> bytes:
            html = renderer.list_page(
                url,
                chrome=spec.chrome,
                heading=spec.heading,
                description=description,
                list_template=spec.template,
                companies=companies,
                **values,
            )
            return html.encode()

        return Job(page_file(url), digest("\0".join(inputs).encode()), produce)

    def sitemap_jobs(
        self,
        mkdocs: MkDocsOutput,
        companies: Iterable[CompanyRecord],
        listed: list[CompanyRecord],
        signatories: list[CompanyRecord],
    ) -> list[Job]:
        prefix = self.base_url + "/"
        handwritten = _LOC.findall((mkdocs.folder / "sitemap.xml").read_text())
        pages = [loc.removeprefix(prefix) for loc in handwritten if loc.startswith(prefix)]
        pages += [list_url(DIRECTORY, page.number) for page in paginate(listed)[1:]]
        pages += [list_url(REGISTER, page.number) for page in paginate(signatories)[1:]]
        by_digit: dict[str, list[str]] = {}
        for record in companies:
            by_digit.setdefault(record.siren[0], []).append(record.path.lstrip("/"))
        files = {"sitemaps/pages.xml": urlset(self.base_url, pages)}
        for first, paths in sorted(by_digit.items()):
            files[f"sitemaps/entreprises-{first}.xml"] = urlset(self.base_url, paths)
        files["sitemap.xml"] = sitemap_index(self.base_url, files)
        return [_ready(path, data) for path, data in files.items()]

    # -- execution ----------------------------------------------------------------
    def execute(self, jobs: list[Job], state: BuildState, report: BuildReport) -> dict[str, tuple[str, str]]:
        """Run the jobs whose key changed; return the new state's files."""
        files: dict[str, tuple[str, str]] = {}
        pending: list[int] = []
        for index, job in enumerate(jobs):
            previous = state.files.get(job.path)
            if previous is not None and previous[0] == job.key:
                files[job.path] = previous
            else:
                pending.append(index)
        global _PENDING, _PREVIOUS  # handed to forked workers, reset right after
        _PENDING, _PREVIOUS = jobs, state.files
        try:
            for index, content, written in self.run_pending(pending):
                job = jobs[index]
                files[job.path] = (job.key, content)
                report.rendered += 1
                if written:
                    report.written += 1
                    report.written_paths.append(job.path)
        finally:
            _PENDING, _PREVIOUS = [], {}
        return files

    def run_pending(self, pending: list[int]) -> list[tuple[int, str, bool]]:
        if self.workers < 2 or len(pending) < PARALLEL_MIN:
            return _run(self.out, pending)
        size = -(-len(pending) // (self.workers * 4))
        chunks = [(str(self.out), pending[i : i + size]) for i in range(0, len(pending), size)]
        with multiprocessing.get_context("fork").Pool(self.workers) as pool:
            return [result for chunk in pool.imap_unordered(_run_chunk, chunks) for result in chunk]

    def delete_stale(self, state: BuildState, files: dict[str, tuple[str, str]]) -> int:
        stale = [path for path in state.files if path not in files]
        for path in stale:
            (self.out / path).unlink(missing_ok=True)
            _prune(self.out, (self.out / path).parent)
        return len(stale)


def _status_counts(counts: Counter[str]) -> dict[str, int]:
    return {status.value: counts[status.value] for status in SignatureStatus}


def _ready(path: str, data: bytes) -> Job:
    return Job(path, "ready:" + digest(data), lambda: data)


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


def _badge(base_url: str, record: CompanyRecord) -> Produce:
    def produce() -> bytes:
        assert record.charter is not None
        return render_badge(record.name, SignatureStatus(record.charter.status), base_url + record.path).encode()

    return produce


def _prune(root: Path, folder: Path) -> None:
    """Remove folders left empty by deletions, up to the root."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
