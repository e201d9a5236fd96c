"""The site's fixtures: MkDocs runs once per session (about a second); each build starts from a copy."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from functions.site.builder import SiteBuilder
from functions.site.handwritten import HandwrittenInputs
from functions.site.mkdocs_stage import ensure_mkdocs
from tests.site.factories import BASE_URL, make_inputs


@pytest.fixture(scope="session")
def inputs() -> HandwrittenInputs:
    return make_inputs()


@pytest.fixture(scope="session")
def mkdocs_build(tmp_path_factory: pytest.TempPathFactory, inputs: HandwrittenInputs) -> Path:
    """The hand-written pages built once by MkDocs (the folder a builder reuses when its inputs match)."""
    build_dir = tmp_path_factory.mktemp("mkdocs-once")
    return ensure_mkdocs(build_dir, inputs, BASE_URL).folder


@pytest.fixture
def make_builder(tmp_path: Path, mkdocs_build: Path) -> Callable[..., SiteBuilder]:
    def make(name: str = "build", workers: int = 1) -> SiteBuilder:
        build_dir = tmp_path / name
        if not (build_dir / "mkdocs").exists():
            shutil.copytree(mkdocs_build, build_dir / "mkdocs")
        return SiteBuilder(build_dir, base_url=BASE_URL, workers=workers)

    return make
