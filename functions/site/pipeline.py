"""Build then publish the site: what ``ardoise build-site``, ``ardoise publish``, the tick and ``serve`` run.

One build at a time per build folder (a file lock): the tick, a command and the
local server's background publisher may all want to build at once.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from functions.core.config import Settings
from functions.core.logs import get_logger
from functions.core.progress import SILENT, Progress
from functions.core.resources import Resources
from functions.core.usecases.site_snapshot import load_site_snapshot
from functions.site.builder import BuildReport, SiteBuilder
from functions.site.publish.common import PublishReport, Target, publish
from functions.site.publish.folder import FolderTarget
from functions.site.publish.s3 import S3Target

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


def build_and_publish(res: Resources, target: Target | None = None, echo: Echo = log.info) -> dict[str, Any]:
    built = build_site(res, echo)
    published = publish_site(res, target, echo)
    return {
        "files": built.files,
        "written": built.written,
        "uploaded": len(published.uploaded),
        "deleted": len(published.deleted),
        "seconds": round(built.seconds + published.seconds, 3),
    }


def publish_step(res: Resources) -> dict[str, Any]:
    """The tick's last step: build and publish what the earlier steps changed."""
    if not res.settings.site_publish:
        return {"skipped": "ARDOISE_SITE_PUBLISH is off"}
    try:
        import mkdocs  # noqa: F401 - only checks that the site toolchain is installed here
    except ImportError:
        # The API functions' Lambda packages leave MkDocs out; a publisher stage has it.
        return {"skipped": "MkDocs is not installed in this function: the site is published by the publisher stage"}
    return build_and_publish(res)
