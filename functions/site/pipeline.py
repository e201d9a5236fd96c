"""Build then publish the site: what ``ardoise build-site``, ``ardoise publish``, the tick and ``serve`` run.

One build at a time per build folder (a file lock): the tick, a command and the
local server's background publisher may all want to build at once.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.config import Settings
from functions.core.logs import get_logger
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.usecases.site_snapshot import (
    SiteSnapshot,
    charter_version_in_force,
    load_company_records,
    load_site_snapshot,
    load_sources,
)
from functions.site.builder import BuildReport, SiteBuilder
from functions.site.publish.common import MissingBuild, PublishReport, StateMoved, Target, publish
from functions.site.publish.folder import FolderTarget
from functions.site.publish.s3 import S3Target
from functions.site.state import BuildState

log = get_logger("site")
Echo = Callable[[str], Any]


_BUILDERS: dict[tuple[str, str], SiteBuilder] = {}


def site_builder(settings: Settings) -> SiteBuilder:
    """The builder of this build folder: one per process, so that it keeps its state in memory between builds."""
    key = (str(Path(settings.site_build_dir).resolve()), settings.base_url)
    if key not in _BUILDERS:
        _BUILDERS[key] = SiteBuilder(settings.site_build_dir, base_url=settings.base_url)
    return _BUILDERS[key]


def site_target(settings: Settings, *, bucket: str | None = None, folder: str | None = None) -> Target:
    """The S3 bucket when one is configured (or given), else the site folder."""
    if folder:
        return FolderTarget(folder)
    if bucket or settings.site_bucket:
        return S3Target(bucket or settings.site_bucket)
    return FolderTarget(settings.site_dir)


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    folder = Path(settings.site_build_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_site(res: Resources, echo: Echo = log.info, progress: Progress = SILENT) -> BuildReport:
    """Read the store and build the site into the build folder."""
    from functions.site.handwritten import handwritten_inputs

    with build_lock(res.settings):
        snapshot = load_site_snapshot(res)
        inputs = handwritten_inputs(res.settings, snapshot.as_of)
        report = site_builder(res.settings).build(snapshot, inputs, progress=progress)
    echo(
        f"site built in {report.seconds:.2f} s: {report.files} files, {report.rendered} rendered, "
        f"{report.written} written, {report.deleted} deleted ({report.company_pages} company pages)"
    )
    return report


def publish_site(
    res: Resources, target: Target | None = None, echo: Echo = log.info, progress: Progress = SILENT
) -> PublishReport:
    """Publish the last build to the target (uploads only what changed, in a safe order)."""
    builder = site_builder(res.settings)
    with build_lock(res.settings):
        state = builder.load_state()
        if not state.files:
            raise FileNotFoundError(f"nothing built in {builder.out}: run `ardoise build-site` first")
        files = {path: content for path, (_, content) in state.files.items()}
        report = publish(builder.out, files, target or site_target(res.settings), echo=echo, progress=progress)
    echo(
        f"site published in {report.seconds:.2f} s: {len(report.uploaded)} uploaded, "
        f"{report.skipped} unchanged, {len(report.deleted)} deleted"
    )
    return report


# Marks read by one publish: the rest waits for the next pass (a bulk change touches thousands).
CHANGES_PER_PASS = 2_000
# A publish runs passes while marks are left and this much time has not gone by (a Lambda runs 15 minutes).
PUBLISH_BUDGET_SECONDS = 600.0


@dataclass
class Publication:
    """What a publish did: store requests are the caller's to count, the rest is here."""

    full: bool = False
    changed: int = 0
    files: int = 0
    rendered: int = 0
    written: int = 0
    uploaded: int = 0
    deleted: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        result = asdict(self)
        result["seconds"] = round(self.seconds, 3)
        result["steps"] = {name: round(value, 3) for name, value in self.steps.items()}
        return result


def publish_changes(
    res: Resources, target: Target | None = None, echo: Echo = log.info, progress: Progress = SILENT
) -> Publication:
    """Publish what changed since the last publish: the tick's, ``serve``'s and ``ardoise publish``'s way.

    Reads the companies marked since (``store.site_changes``: the propagation hands each changed
    company on once refreshed), a few requests each; takes every other company from the build
    state kept beside the site; renders
    and uploads only what the changes touch, then clears the marks it read. Without a state (a
    first publish) or when the charter version in force changed (every signatory's standing may
    have), it publishes everything from the store instead (:func:`publish_full`).
    """
    target = target or site_target(res.settings)
    builder = site_builder(res.settings)
    started = time.perf_counter()
    with build_lock(res.settings):
        previous, stamp = _state_beside(builder, target)
        if not previous.files or previous.charter_version != charter_version_in_force(res):
            return _publish_full(res, builder, target, expected=stamp, echo=echo, progress=progress, started=started)
        publication = Publication()
        deadline = time.monotonic() + PUBLISH_BUDGET_SECONDS
        while True:
            marks = res.store.site_changes.list_marked(CHANGES_PER_PASS)
            sirens = {mark.data["siren"] for mark in marks}
            previous, stamp = _publish_pass(
                res, builder, target, beside=(previous, stamp), sirens=sirens, publication=publication,
                echo=echo, progress=progress,
            )  # fmt: skip
            if stamp is None:
                break  # another publisher's state is beside the site: the marks stay for the next publish
            for mark in marks:
                res.store.site_changes.clear(mark)  # unless marked again meanwhile: the next pass reads it
            if len(marks) < CHANGES_PER_PASS or time.monotonic() >= deadline:
                break
    publication.seconds = time.perf_counter() - started
    echo(
        f"site published in {publication.seconds:.2f} s: {publication.changed} companies changed, "
        f"{publication.rendered} files rendered, {publication.uploaded} uploaded, {publication.deleted} deleted"
    )
    return publication


def publish_full(
    res: Resources, target: Target | None = None, echo: Echo = log.info, progress: Progress = SILENT
) -> Publication:
    """Read every public company from the store, render every file, publish what the target lacks.

    After a template change, or to recover: the target's listing is checked, the build state
    is made again from the store.
    """
    target = target or site_target(res.settings)
    builder = site_builder(res.settings)
    with build_lock(res.settings):
        expected, started = target.state_stamp(), time.perf_counter()
        return _publish_full(res, builder, target, expected=expected, echo=echo, progress=progress, started=started)


def _publish_full(
    res: Resources,
    builder: SiteBuilder,
    target: Target,
    *,
    expected: str | None,
    echo: Echo,
    progress: Progress,
    started: float,
) -> Publication:
    from functions.site.handwritten import handwritten_inputs

    publication = Publication(full=True)
    marks = res.store.site_changes.all_marked()
    mark = time.perf_counter()
    snapshot = load_site_snapshot(res)
    publication.steps["read"] = time.perf_counter() - mark
    _forget_state_copy(builder)
    inputs = handwritten_inputs(res.settings, snapshot.as_of)
    built = builder.build(snapshot, inputs, progress=progress, previous=BuildState())
    publication.steps["build"] = built.seconds
    published = publish(builder.out, _built_files(builder), target, echo=echo, progress=progress)
    publication.steps["upload"] = published.seconds
    if _keep_state_copy(builder, target, expected) is not None:
        for item in marks:
            res.store.site_changes.clear(item)
    publication.changed = len(snapshot.companies)
    _count(publication, built, published)
    publication.seconds = time.perf_counter() - started
    echo(
        f"site published in full in {publication.seconds:.2f} s: {built.company_pages} company pages, "
        f"{publication.uploaded} files uploaded, {publication.deleted} deleted"
    )
    return publication


def _publish_pass(
    res: Resources,
    builder: SiteBuilder,
    target: Target,
    *,
    beside: tuple[BuildState, str | None],
    sirens: set[str],
    publication: Publication,
    echo: Echo,
    progress: Progress,
) -> tuple[BuildState, str | None]:
    """Publish the changes of ``sirens`` over the state ``beside`` the site (and its stamp); return the new ones.

    The stamp returned is None when another publisher replaced the state meanwhile (this one's is not kept).
    """
    from functions.site.handwritten import handwritten_inputs

    previous, stamp = beside
    mark = time.perf_counter()
    records = dict(previous.records)
    for siren, record in load_company_records(res, sirens).items():
        if record is None:
            records.pop(siren, None)
        else:
            records[siren] = record
    publication.steps["read"] = publication.steps.get("read", 0.0) + time.perf_counter() - mark
    today = today_in_paris(res.clock())
    companies = tuple(records[siren] for siren in sorted(records))
    snapshot = SiteSnapshot(today, previous.charter_version, companies, sources=load_sources(res))
    _forget_state_copy(builder)  # the local state is ahead of its copy until the upload is done
    built = builder.build(snapshot, handwritten_inputs(res.settings, today), progress=progress, previous=previous)
    try:
        published = publish(builder.out, _built_files(builder), target, echo=echo, trust_manifest=True)
    except MissingBuild:
        # Built elsewhere (another Lambda): render every file from the records at hand, no store read.
        built = builder.build(snapshot, handwritten_inputs(res.settings, today), previous=BuildState())
        published = publish(builder.out, _built_files(builder), target, echo=echo, trust_manifest=True)
    publication.steps["build"] = publication.steps.get("build", 0.0) + built.seconds
    publication.steps["upload"] = publication.steps.get("upload", 0.0) + published.seconds
    state = builder.saved_state()
    stamp = _keep_state_copy(builder, target, stamp) if state != previous else stamp
    _keep_stamp(builder, stamp)
    publication.changed += len(sirens)
    _count(publication, built, published)
    return state, stamp


def _count(publication: Publication, built: BuildReport, published: PublishReport) -> None:
    publication.files = built.files
    publication.rendered += built.rendered
    publication.written += built.written
    publication.uploaded += len(published.uploaded)
    publication.deleted += len(published.deleted)


def _built_files(builder: SiteBuilder) -> dict[str, str]:
    return {path: content for path, (_, content) in builder.saved_state().files.items()}


# -- the build state's copy beside the site ----------------------------------------------------
STAMP_FILE = "state.copy"


def _state_beside(builder: SiteBuilder, target: Target) -> tuple[BuildState, str | None]:
    """The state of the last publish to ``target`` and its stamp: the local state when it is that copy, else the copy.

    A warm process asks for the copy's stamp only (one request); a fresh one downloads it.
    """
    kept = builder.build_dir / STAMP_FILE
    stamp = target.state_stamp()
    if stamp is None:
        return BuildState(), None
    if kept.is_file() and kept.read_text() == stamp and builder.state_path.is_file():
        return builder.saved_state(), stamp
    _forget_state_copy(builder)
    fetched = target.read_state(builder.state_path)
    if fetched is None:
        return BuildState(), stamp  # unreadable (or gone): a full publish replaces it
    _keep_stamp(builder, fetched)
    return builder.saved_state(), fetched


def _keep_state_copy(builder: SiteBuilder, target: Target, expected: str | None) -> str | None:
    """Copy the state beside the site unless another publisher replaced the copy since ``expected``; its stamp.

    Two publishers at once (a run past the next tick's start) would otherwise each keep a state
    missing the other's changes; the one that loses leaves its marks for the next publish.
    """
    try:
        stamp = target.write_state(builder.state_path, expected)
    except StateMoved:
        log.warning("another publish replaced the build state meanwhile: its changes go again next time")
        return None
    _keep_stamp(builder, stamp)
    return stamp


def _keep_stamp(builder: SiteBuilder, stamp: str | None) -> None:
    if stamp is not None:
        builder.build_dir.mkdir(parents=True, exist_ok=True)
        (builder.build_dir / STAMP_FILE).write_text(stamp)


def _forget_state_copy(builder: SiteBuilder) -> None:
    (builder.build_dir / STAMP_FILE).unlink(missing_ok=True)


def publish_step(res: Resources) -> dict[str, Any]:
    """The publisher's tick step: publish what the changes since the last publish touched."""
    if not res.settings.site_publish:
        return {"skipped": "ARDOISE_SITE_PUBLISH is off"}
    try:
        import mkdocs  # noqa: F401 - only checks that the site toolchain is installed here
    except ImportError:
        # The API functions' Lambda packages leave MkDocs out; a publisher stage has it.
        return {"skipped": "MkDocs is not installed in this function: the site is published by the publisher stage"}
    return publish_changes(res).as_dict()
