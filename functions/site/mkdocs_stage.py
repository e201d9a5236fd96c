"""The MkDocs part of a build: the hand-written pages, the Material assets, the chrome.

MkDocs runs only when something it reads changed: the Markdown sources, the
configuration, our theme overrides, templates, static files and hooks, the
charter texts, or the values the hooks insert (rules, plans, OpenAPI documents,
the day, which selects the charter version in force). The digest of all of that
names the build; an unchanged digest reuses the previous output (about a second
saved on every incremental build).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from functions.site.handwritten import HandwrittenInputs

REPOSITORY = Path(__file__).resolve().parents[2]
MKDOCS_YML = REPOSITORY / "mkdocs.yml"
SITE_PACKAGE = Path(__file__).resolve().parent
CHARTER_TEXTS = REPOSITORY / "functions" / "charter" / "texts"
# Theme files useless without Material's own search, and source maps: not published.
SKIPPED_PREFIXES = ("assets/javascripts/lunr/", "assets/javascripts/workers/")
SKIPPED_SUFFIXES = (".map", "sitemap.xml.gz")
# Written in the output folder once the build succeeded: the digest of what it was built from.
KEY_FILE = ".ardoise-key"


@dataclass(frozen=True)
class MkDocsOutput:
    """A finished MkDocs build: its folder and the digest of what it was built from."""

    folder: Path
    key: str

    def files(self) -> list[str]:
        """Return the paths of the files to publish, relative to the folder, sorted."""
        found = []
        for path in self.folder.rglob("*"):
            relative = path.relative_to(self.folder).as_posix()
            skipped = (
                relative.startswith(SKIPPED_PREFIXES) or relative.endswith(SKIPPED_SUFFIXES) or relative == KEY_FILE
            )
            if path.is_file() and not skipped:
                found.append(relative)
        return sorted(found)


def _tree_digest(update: Callable[[bytes], object], folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")


def source_key(inputs: HandwrittenInputs, base_url: str, config_file: Path = MKDOCS_YML) -> str:
    """Digest every input of the MkDocs build."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(config_file.read_bytes())
    digest.update(base_url.encode() + b"\0" + inputs.digest().encode())
    docs = config_file.parent / "site"
    for folder in (docs, SITE_PACKAGE, CHARTER_TEXTS):
        _tree_digest(digest.update, folder)
    return digest.hexdigest()


def run_mkdocs(target: Path, inputs: HandwrittenInputs, base_url: str, config_file: Path = MKDOCS_YML) -> None:
    """Build the hand-written pages into ``target`` (strict: a warning fails the build)."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # MkDocs logs each page at INFO; keep a build quiet unless something is wrong.
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(str(config_file), site_dir=str(target), site_url=base_url.rstrip("/") + "/")
    config.extra["ardoise"] = inputs
    build(config)


def ensure_mkdocs(build_dir: Path, inputs: HandwrittenInputs, base_url: str) -> MkDocsOutput:
    """Return the MkDocs output for these inputs, building it only when they changed."""
    folder = build_dir / "mkdocs"
    key = source_key(inputs, base_url)
    marker = folder / KEY_FILE
    if marker.is_file() and marker.read_text() == key:
        return MkDocsOutput(folder, key)
    staging = build_dir / "mkdocs.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    run_mkdocs(staging, inputs, base_url)
    (staging / KEY_FILE).write_text(key)
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return MkDocsOutput(folder, key)
