"""The site generator: MkDocs for the hand-written pages, our own renderer for the rest.

A build turns a :class:`SiteSnapshot` into a folder (``<build dir>/out``) holding
the whole site. Every output file is a job (``jobs.py``) with a key, the digest
of its inputs. The build state remembers each file's key and content digest: a
job whose key did not change is skipped without rendering; a rendered file whose
content did not change is not rewritten. So an incremental build renders and
writes only what a change touched, and the publisher knows every file's digest
without reading it.

Many pages to render (a first build, a template change) are rendered by worker
processes (fork: they inherit the records and the compiled templates, and write
their own files and packs), forked as soon as the company pages are planned: while
they render those, this process plans and renders the lists, sitemaps and search
shards, so that on 2 cores no core waits for the planning.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from functions.core.progress import SILENT, Progress
from functions.core.usecases.site_snapshot import SiteSnapshot
from functions.site.chrome import chrome_template
from functions.site.facts import all_facts, digest
from functions.site.handwritten import HandwrittenInputs
from functions.site.jobs import Job, Plan, Planner
from functions.site.layout import BuiltFiles, pack_of, remove_from_packs, update_pack
from functions.site.listing import DIRECTORY, REGISTER
from functions.site.mkdocs_stage import MkDocsOutput, ensure_mkdocs
from functions.site.render import Renderer
from functions.site.state import BuildState

STATE_FILE = "state.sqlite"
PARALLEL_MIN = 2_000


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


# Handed to forked workers: set by the parent right before it forks, reset right after.
_PENDING: list[Job] = []
_PREVIOUS: dict[str, tuple[str, str]] = {}


def _run(out: str, indices: Iterable[int]) -> list[tuple[int, str, bool]]:
    """Render jobs; write those whose content changed. Return (index, content digest, written).

    Company pages go into their packs (``layout.py``): the jobs of one pack come one after
    another (``_by_pack``), so each pack is rewritten once, with the pages of the previous build
    it keeps.
    """
    results = []
    made: set[str] = set()
    root = Path(out)
    pack: str | None = None
    pages: dict[str, bytes] = {}
    for index in indices:
        job = _PENDING[index]
        data = job.produce()
        content = digest(data)
        previous = _PREVIOUS.get(job.path)
        written = previous is None or previous[1] != content
        packed = pack_of(job.path)
        if packed != pack:
            _flush(root, pack, pages)
            pack, pages = packed, {}
        if written and packed is not None:
            pages[job.path] = data
        elif written:
            target = f"{out}/{job.path}"
            folder = target.rpartition("/")[0]
            if folder not in made:
                os.makedirs(folder, exist_ok=True)
                made.add(folder)
            with open(target, "wb") as handle:
                handle.write(data)
        results.append((index, content, written))
    _flush(root, pack, pages)
    return results


def _flush(out: Path, pack: str | None, pages: dict[str, bytes]) -> None:
    """Write a pack's changed pages, keeping those of the previous build that did not change."""
    if pack is not None and pages:
        update_pack(out, pack, pages, kept=_PREVIOUS)


def _by_pack(jobs: list[Job], pending: Iterable[int]) -> list[int]:
    """The pending jobs with those of each pack together (the other files first)."""
    return sorted(pending, key=lambda index: (pack_of(jobs[index].path) or "", index))


def _run_chunk(args: tuple[str, list[int]]) -> list[tuple[int, str, bool]]:
    return _run(*args)


class SiteBuilder:
    """Build the public site into ``<build_dir>/out``, incrementally."""

    def __init__(self, build_dir: Path | str, *, base_url: str, workers: int | None = None) -> None:
        self.build_dir = Path(build_dir).resolve()
        self.out = self.build_dir / "out"
        self.base_url = base_url.rstrip("/")
        self.workers = workers or os.cpu_count() or 1
        self._kept: tuple[tuple[int, int] | None, BuildState] | None = None

    def read(self, path: str) -> bytes:
        """The built bytes of a published path (company pages are kept in packs, see ``layout.py``)."""
        with BuiltFiles(self.out) as built:
            return built.read(path)

    def has(self, path: str) -> bool:
        """Whether the build folder holds a published path."""
        with BuiltFiles(self.out) as built:
            return built.exists(path)

    @property
    def state_path(self) -> Path:
        return self.build_dir / STATE_FILE

    def load_state(self) -> BuildState:
        """The state of the last build, whose every file is in the output folder (what ``publish --no-build`` needs)."""
        if not (self.out / "index.html").is_file():
            return BuildState()  # a state without its output folder describes nothing: start again
        return self.saved_state()

    def saved_state(self) -> BuildState:
        """The state file as it is, whatever the output folder holds (the publisher's starting point)."""
        # A long-lived process (``serve``'s publisher) keeps the state it saved, while the file is unchanged.
        stamp = _stamp(self.state_path)
        if self._kept is not None and self._kept[0] == stamp and stamp is not None:
            return self._kept[1]
        state = BuildState.load(self.state_path)
        self._kept = (stamp, state) if stamp is not None else None
        return state

    def build(
        self,
        snapshot: SiteSnapshot,
        inputs: HandwrittenInputs,
        progress: Progress = SILENT,
        previous: BuildState | None = None,
    ) -> BuildReport:
        """Build the site for ``snapshot`` over ``previous`` (default: the last build); report what it did.

        ``previous`` must be what the state file holds, or an empty state (everything rendered again).
        """
        # The build allocates millions of short-lived objects and no cycles worth collecting:
        # the cyclic collector would rescan the 100,000 records again and again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._build(snapshot, inputs, progress, self.load_state() if previous is None else previous)
        finally:
            if collecting:
                gc.enable()

    def _build(
        self, snapshot: SiteSnapshot, inputs: HandwrittenInputs, progress: Progress, state: BuildState
    ) -> BuildReport:
        started = time.perf_counter()
        report = BuildReport()
        self.out.mkdir(parents=True, exist_ok=True)
        report.timings["state"] = time.perf_counter() - started
        mark = time.perf_counter()
        mkdocs = ensure_mkdocs(self.build_dir, inputs, self.base_url)
        report.mkdocs_built = mkdocs.key != state.mkdocs_key
        report.timings["mkdocs"] = time.perf_counter() - mark
        mark = time.perf_counter()
        facts = all_facts(snapshot.companies, state.facts)
        report.timings["facts"] = time.perf_counter() - mark
        planner = Planner(snapshot, mkdocs, self.renderer(snapshot, mkdocs), facts, state)
        plan = planner.make(report.timings, rest=False)
        with self.rendering(plan.jobs, state.files) as (taken, early):
            # The workers render the pages planned so far while this process plans (and renders) the rest.
            planner.make(report.timings, pages=False)
            report.search_files, report.search_worst_bytes = plan.search_files, plan.search_worst_bytes
            report.company_pages = len(snapshot.companies)
            report.timings["plan"] = time.perf_counter() - mark
            mark = time.perf_counter()
            files = self.execute(plan, report, progress, taken=taken, early=early)
        report.timings["render"] = time.perf_counter() - mark
        mark = time.perf_counter()
        records = {record.siren: record for record in snapshot.companies}
        saved = BuildState(mkdocs.key, files, facts, plan.groups, records, snapshot.charter_version)
        saved.save(self.state_path, state)
        self._kept = (_stamp(self.state_path), saved)
        # Deleted after the save: a crash in between leaves a stray file, never a state naming a missing one.
        report.deleted = self.delete_stale(state, files)
        report.timings["save"] = time.perf_counter() - mark
        report.files = len(files)
        report.seconds = time.perf_counter() - started
        return report

    def renderer(self, snapshot: SiteSnapshot, mkdocs: MkDocsOutput) -> Renderer:
        chromes = {
            "annuaire": chrome_template((mkdocs.folder / DIRECTORY / "index.html").read_text(), DIRECTORY),
            "registre": chrome_template((mkdocs.folder / REGISTER / "index.html").read_text(), REGISTER),
        }
        return Renderer(chromes, base_url=self.base_url, charter_version=snapshot.charter_version)

    def execute(
        self,
        plan: Plan,
        report: BuildReport,
        progress: Progress = SILENT,
        *,
        taken: int = 0,
        early: Iterable[tuple[int, str, bool]] = (),
    ) -> dict[str, tuple[str, str]]:
        """Run the planned jobs; return the new state's files (the kept ones and the ones just made).

        The first ``taken`` jobs are the workers' (their results come from ``early``); this process
        runs the others (``rendering`` hands the jobs to this process and to the workers).
        """
        files = dict(plan.kept)
        jobs = plan.jobs
        progress.begin("rendering", len(jobs))
        mine = _run(str(self.out), _by_pack(jobs, range(taken, len(jobs))))
        for index, content, written in itertools.chain(mine, early):
            job = jobs[index]
            files[job.path] = (job.key, content)
            report.rendered += 1
            if written:
                report.written += 1
                report.written_paths.append(job.path)
            progress.advance()
        return files

    @contextmanager
    def rendering(
        self, jobs: list[Job], previous: dict[str, tuple[str, str]]
    ) -> Iterator[tuple[int, Iterable[tuple[int, str, bool]]]]:
        """Hand the jobs (and the previous build's files) to this process; fork workers on the jobs planned so far.

        Yields how many jobs the workers took (none for a few pages: forking costs more) and their
        results, to read once this process has run the jobs planned after the fork.
        """
        global _PENDING, _PREVIOUS  # handed to forked workers, reset right after
        _PENDING, _PREVIOUS = jobs, previous
        try:
            if self.workers < 2 or len(jobs) < PARALLEL_MIN:
                yield 0, ()
                return
            pending = _by_pack(jobs, range(len(jobs)))
            chunks = [(str(self.out), chunk) for chunk in _chunks(jobs, pending, -(-len(jobs) // (self.workers * 8)))]
            gc.freeze()  # the workers then share the parent's objects instead of copying the pages they touch
            try:
                with multiprocessing.get_context("fork").Pool(self.workers) as pool:
                    # imap_unordered hands the chunks out at once; the results wait until they are read.
                    yield len(jobs), itertools.chain.from_iterable(pool.imap_unordered(_run_chunk, chunks))
            finally:
                gc.unfreeze()
        finally:
            _PENDING, _PREVIOUS = [], {}

    def delete_stale(self, state: BuildState, files: dict[str, tuple[str, str]]) -> int:
        stale = [path for path in state.files if path not in files]
        for path in remove_from_packs(self.out, stale):
            stored = self.out / path
            stored.unlink(missing_ok=True)
            _prune(self.out, stored.parent)
        return len(stale)


def _chunks(jobs: list[Job], pending: list[int], size: int) -> list[list[int]]:
    """Cut the pending jobs into chunks of about ``size``, never inside a pack (one worker writes each)."""
    chunks: list[list[int]] = []
    current: list[int] = []
    last: str | None = None
    for index in pending:
        pack = pack_of(jobs[index].path)
        if len(current) >= size and (pack is None or pack != last):
            chunks.append(current)
            current = []
        current.append(index)
        last = pack
    return [*chunks, current] if current else chunks


def _stamp(path: Path) -> tuple[int, int] | None:
    """What tells that a file changed: its modification time and size (None when missing)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


def _prune(root: Path, folder: Path) -> None:
    """Remove folders left empty by deletions, up to the root."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
