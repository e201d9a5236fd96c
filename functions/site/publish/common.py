"""Incremental, ordered publishing of the built site to a target (a folder or an S3 bucket).

Only files whose content (or headers) changed are uploaded: the target keeps a
manifest of what it holds (path -> content digest, Content-Type, Cache-Control),
checked against the target's actual listing, so a lost or stale manifest costs
uploads, never correctness.

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

import mimetypes
import re
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from functions.site.layout import stored_file

# The manifest is saved after each step and every this many uploads (at 100,000 pages it weighs ~10 MB).
MANIFEST_EVERY = 10_000
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


class Target(Protocol):
    """Where the site is published."""

    def read_manifest(self) -> dict[str, str]: ...

    def write_manifest(self, manifest: Mapping[str, str]) -> None: ...

    def list_paths(self) -> set[str]: ...

    def put(self, info: FileInfo, data: bytes) -> None: ...

    def delete(self, paths: list[str]) -> None: ...


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


def plan_publish(local: Mapping[str, FileInfo], manifest: Mapping[str, str], present: set[str]) -> PublishPlan:
    """Compare what is built with what the target holds; order the uploads."""
    known = {path: signature for path, signature in manifest.items() if path in present}
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
    progress: Callable[[str], object] = lambda message: None,
) -> PublishReport:
    """Publish the files (published path -> content digest) built under ``source`` to ``target``."""
    started = time.perf_counter()
    local = {path: FileInfo(path, digest) for path, digest in files.items()}
    manifest = dict(target.read_manifest())
    present = target.list_paths()
    plan = plan_publish(local, manifest, present)
    report = PublishReport(skipped=plan.skipped)
    manifest = {path: signature for path, signature in manifest.items() if path in present}
    progress(f"publish: {sum(map(len, plan.steps))} to upload, {plan.skipped} unchanged, {len(plan.deletes)} to delete")

    def upload(info: FileInfo) -> FileInfo:
        target.put(info, stored_file(source, info.path).read_bytes())
        return info

    with ThreadPoolExecutor(max_workers=threads) as pool:
        for step in plan.steps:
            for start in range(0, len(step), MANIFEST_EVERY):
                # map() returns in order and re-raises the first failure: nothing after it is recorded.
                for info in pool.map(upload, step[start : start + MANIFEST_EVERY]):
                    manifest[info.path] = info.signature
                    report.uploaded.append(info.path)
                target.write_manifest(manifest)
    if plan.deletes:
        target.delete(plan.deletes)
        for path in plan.deletes:
            manifest.pop(path, None)
        report.deleted = plan.deletes
    target.write_manifest(manifest)
    report.seconds = time.perf_counter() - started
    return report


def chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
