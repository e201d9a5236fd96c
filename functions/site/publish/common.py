"""Incremental, ordered publishing of the built site to a target (a folder or an S3 bucket).

Only files whose content (or headers) changed are uploaded: the target keeps a
manifest of what it holds (path -> content digest, Content-Type, Cache-Control,
and the *stamp* the target gave the file when it was written: S3's ETag, the
folder's content digest). The manifest is trusted for a file only while the
target's listing still shows that stamp: a file written by a publish that died
before saving its manifest, or changed by anyone else, has another stamp and is
uploaded again. So a lost, stale or wrong manifest costs uploads, never
correctness, and a publish with nothing to do reads the manifest and lists the
target once (S3: one paginated listing, never a request per object).

The order keeps every link resolvable at any moment, so that a publish stopped
at any point leaves a consistent site and the next one simply completes it:

0. assets (stylesheets, scripts, images, badges): what pages refer to;
1. hand-written pages, which link only to each other and to assets;
2. company pages;
3. search shards (they point to company pages);
4. pages listing companies (directory, register, charter page);
5. sitemaps, then the sitemap index;
then the stale files are deleted, last. Inside a rank, new files go before
changed ones (a changed page may link to a new page of its own rank). The
manifest is saved after each step, so an interrupted publish resumes where it
stopped.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import re
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from functions.core.progress import SILENT, Progress
from functions.site.layout import BuiltFiles

# The manifest is saved after each step and every this many uploads (at 100,000 pages it weighs ~10 MB).
MANIFEST_EVERY = 10_000
# A small publish (one change: a few files) saves its manifest once, at the end: what a killed one
# uploaded without recording it is uploaded again, which costs less than a 10 MB manifest a step.
SAVE_EACH_STEP_FROM = 500
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=60, must-revalidate"
DAY = "public, max-age=86400"
_FINGERPRINT = re.compile(r"\.[0-9a-f]{8,}(\.min)?\.(js|css)$")
_COMPANY_PAGE = re.compile(r"^entreprises/\d{9}[^/]*/index\.html$")
_LISTING_PAGES = ("entreprises/index.html", "entreprises/page/", "charte/signataires/", "charte/index.html")
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".svg": "image/svg+xml",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}


def content_type(path: str) -> str:
    suffix = Path(path).suffix.lower()
    return _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def cache_control(path: str) -> str:
    """Fingerprinted assets never change: a year. Pages, shards, sitemaps, badges: a minute."""
    if _FINGERPRINT.search(path):
        return IMMUTABLE
    if path.endswith((".html", ".json", ".xml", ".svg")):
        return SHORT
    return DAY


def publish_rank(path: str) -> int:
    """Where a file goes in the upload order (see the module's docstring)."""
    ranks = (
        (path == "sitemap.xml", 6),
        (path.startswith("sitemaps/"), 5),
        (path.startswith(_LISTING_PAGES), 4),
        (path.startswith("recherche/"), 3),
        (_COMPANY_PAGE.match(path) is not None, 2),
        (path.endswith(".html"), 1),
    )
    return next((rank for matches, rank in ranks if matches), 0)


@dataclass(frozen=True)
class FileInfo:
    """A file to publish and the headers it is served with."""

    path: str
    digest: str

    @property
    def content_type(self) -> str:
        return content_type(self.path)

    @property
    def cache_control(self) -> str:
        return cache_control(self.path)

    @property
    def signature(self) -> str:
        """What the manifest remembers: a change of content or of headers means an upload."""
        return f"{self.digest} {self.content_type} {self.cache_control}"


@dataclass(frozen=True)
class Published:
    """What the manifest remembers of a published file: its signature, and the target's stamp when written."""

    signature: str
    stamp: str


Manifest = dict[str, Published]
_MANIFEST_FORMAT = 2


def encode_manifest(manifest: Mapping[str, Published]) -> bytes:
    files = {path: [entry.signature, entry.stamp] for path, entry in sorted(manifest.items())}
    return json.dumps({"format": _MANIFEST_FORMAT, "files": files}, separators=(",", ":")).encode()


def decode_manifest(data: bytes) -> Manifest:
    """Read a manifest; one of another format (or unreadable) is empty: every file is then uploaded once."""
    try:
        document = json.loads(data)
        if not isinstance(document, dict) or document.get("format") != _MANIFEST_FORMAT:
            return {}
        return {str(path): Published(str(entry[0]), str(entry[1])) for path, entry in document["files"].items()}
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return {}


class Target(Protocol):
    """Where the site is published."""

    def read_manifest(self) -> Manifest: ...

    def write_manifest(self, manifest: Mapping[str, Published]) -> None: ...

    def list_stamps(self) -> dict[str, str]:
        """Every published file the target holds -> its stamp (a digest of what it holds), in one listing."""
        ...

    def put(self, info: FileInfo, data: bytes) -> str:
        """Write the file; return the stamp the target's listing will show for it."""
        ...

    def delete(self, paths: list[str]) -> None: ...

    def state_stamp(self) -> str | None:
        """The stamp of the build state's copy kept beside the site (None when there is none), in one request."""
        ...

    def read_state(self, destination: Path) -> str | None:
        """Copy the build state kept beside the site to ``destination``; return its stamp (None when there is none)."""
        ...

    def write_state(self, source: Path, expected: str | None) -> str:
        """Keep a copy of the build state file ``source`` beside the site; return its stamp.

        Only over the copy stamped ``expected`` (None: only where there is none); else raise StateMoved.
        """
        ...


class StateMoved(RuntimeError):
    """The build state beside the site is no longer the one this publish started from."""


class MissingBuild(FileNotFoundError):
    """A file to upload is not in the build folder (built by another machine or Lambda): render it again."""


def pack_state(source: Path) -> bytes:
    """The state file compressed for its copy (fast level: a publish writes it each time)."""
    return gzip.compress(source.read_bytes(), compresslevel=1, mtime=0)


def unpack_state(data: bytes, destination: Path) -> bool:
    """Write the state a copy holds to ``destination``; False when the copy is unreadable (a full publish follows)."""
    try:
        state = gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return False
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporary = destination.with_name(destination.name + ".download")
    temporary.write_bytes(state)
    temporary.replace(destination)
    return True


@dataclass
class PublishPlan:
    """The uploads in order, grouped in steps, and the deletions."""

    steps: list[list[FileInfo]]
    deletes: list[str]
    skipped: int


@dataclass
class PublishReport:
    uploaded: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    skipped: int = 0
    seconds: float = 0.0


def verified(manifest: Mapping[str, Published], present: Mapping[str, str]) -> Manifest:
    """The manifest's entries that the target's listing confirms: the file is there, with the stamp recorded."""
    return {path: entry for path, entry in manifest.items() if present.get(path) == entry.stamp}


def plan_publish(
    local: Mapping[str, FileInfo], manifest: Mapping[str, Published], present: Mapping[str, str]
) -> PublishPlan:
    """Compare what is built with what the target holds (``present``: path -> stamp); order the uploads."""
    known = {path: entry.signature for path, entry in verified(manifest, present).items()}
    changed = [info for path, info in local.items() if known.get(path) != info.signature]
    steps: dict[tuple[int, int], list[FileInfo]] = {}
    for info in changed:
        steps.setdefault((publish_rank(info.path), info.path in present), []).append(info)
    ordered = [sorted(steps[key], key=lambda i: i.path) for key in sorted(steps)]
    deletes = sorted(path for path in present if path not in local)
    return PublishPlan(ordered, deletes, len(local) - len(changed))


def publish(
    source: Path,
    files: Mapping[str, str],
    target: Target,
    *,
    threads: int = 16,
    echo: Callable[[str], object] = lambda message: None,
    progress: Progress = SILENT,
    trust_manifest: bool = False,
) -> PublishReport:
    """Publish the files (published path -> content digest) built under ``source`` to ``target``.

    ``trust_manifest`` skips the listing of the target (at 100,000 pages, 110 requests): the
    publisher's incremental publish trusts its own manifest, and a full publish checks it. A file
    a killed publish wrote without recording it still goes again (the manifest has its old digest).
    """
    started = time.perf_counter()
    local = {path: FileInfo(path, digest) for path, digest in files.items()}
    recorded = target.read_manifest()
    if trust_manifest and recorded:
        present = {path: entry.stamp for path, entry in recorded.items()}
    else:
        present = target.list_stamps()
    plan = plan_publish(local, recorded, present)
    with BuiltFiles(source) as built:
        missing = [info.path for step in plan.steps for info in step if not built.exists(info.path)]
        if missing:
            raise MissingBuild(f"{len(missing)} files to upload are not in {source}, such as {missing[0]}")
        report = PublishReport(skipped=plan.skipped)
        manifest = verified(recorded, present)
        uploads = sum(map(len, plan.steps))
        echo(f"publish: {uploads} to upload, {plan.skipped} unchanged, {len(plan.deletes)} to delete")
        progress.begin("uploading", uploads)

        def upload(info: FileInfo) -> tuple[FileInfo, str]:
            return info, target.put(info, built.read(info.path))

        with ThreadPoolExecutor(max_workers=threads) as pool:
            for step in plan.steps:
                for start in range(0, len(step), MANIFEST_EVERY):
                    # map() returns in order and re-raises the first failure: nothing after it is recorded (what
                    # was written but not recorded shows another stamp than the manifest's and goes again).
                    for info, stamp in pool.map(upload, step[start : start + MANIFEST_EVERY]):
                        manifest[info.path] = Published(info.signature, stamp)
                        report.uploaded.append(info.path)
                        progress.advance()
                    if uploads >= SAVE_EACH_STEP_FROM:
                        target.write_manifest(manifest)
        if plan.deletes:
            if uploads and uploads < SAVE_EACH_STEP_FROM:
                target.write_manifest(manifest)  # every upload recorded before a link to a deleted file goes
            progress.begin("deleting", len(plan.deletes))
            target.delete(plan.deletes)
            for path in plan.deletes:
                manifest.pop(path, None)
            report.deleted = plan.deletes
            progress.advance(len(plan.deletes))
        if manifest != recorded:
            target.write_manifest(manifest)
    report.seconds = time.perf_counter() - started
    return report


def chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
