"""The developer documentation: the README is the front door, docs/ holds the rest, and no reference is dead."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
# A path into the repository, as the docs write them in backticks.
REPOSITORY_PATH = re.compile(r"^(?:functions|tests|site|scripts|bench|docs|deploy)/[\w./-]*$")
ROOT_FILES = ("Makefile", "pyproject.toml", "mkdocs.yml", "zappa_settings.json", "README.md")


def prose(page: Path) -> str:
    """The page without its fenced code blocks (examples, not references)."""
    return re.sub(r"^```.*?^```", "", page.read_text(), flags=re.M | re.S)


def slug(heading: str) -> str:
    """The anchor GitHub (and MkDocs' toc) gives a heading."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {slug(line.lstrip("#")) for line in prose(page).splitlines() if re.match(r"#{1,6} ", line)}


def relative_links(page: Path) -> list[str]:
    text = re.sub(r"`[^`\n]*`", "", prose(page))  # a link inside inline code is an example
    return [target for target in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def named_paths(page: Path) -> list[str]:
    spans = re.findall(r"`([^`\n]+)`", prose(page))
    return [span for span in spans if REPOSITORY_PATH.match(span) or span in ROOT_FILES]


def test_the_readme_opens_with_the_two_commands() -> None:
    lines = README.read_text().splitlines()
    assert lines[0] == "# Ardoise"
    block = lines[lines.index("```sh") + 1 :][:2]
    assert [line.split()[:2] for line in block] == [["make", "run"], ["make", "test"]]


def test_the_readme_is_a_front_door_of_at_most_250_lines() -> None:
    assert len(README.read_text().splitlines()) <= 250, "move the detail to docs/ and link it from the README"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_relative_link_resolves_to_a_file_and_its_heading(page: Path) -> None:
    dead = []
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
            dead.append(target)
    assert not dead, f"{page.name} links to what does not exist: {dead}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_file_the_docs_name_exists(page: Path) -> None:
    missing = [path for path in named_paths(page) if not (ROOT / path).exists()]
    assert not missing, f"{page.name} names files that do not exist: {missing}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_page_cites_a_document_outside_the_repository(page: Path) -> None:
    cited = set(re.findall(r"\b([A-Z][A-Z_]+\.md)\b", page.read_text()))
    assert all((ROOT / name).exists() for name in cited), f"{page.name} cites {sorted(cited)}"


def test_every_page_of_docs_is_linked_from_the_readme() -> None:
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in relative_links(README)}
    assert DOCS and not [page.name for page in DOCS if page.resolve() not in linked]


def test_the_checks_see_a_dead_link_a_missing_file_and_an_outside_document(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Title\n\nSee [gone](gone.md), [here](#title), [there](#nowhere) and `functions/nothing.py`.\n"
        "```sh\n[not a link](ignored.md)\n```\n"
    )
    assert relative_links(page) == ["gone.md", "#title", "#nowhere"]
    assert anchors(page) == {"title"}
    assert named_paths(page) == ["functions/nothing.py"]
    assert slug("The directory: a report's `life`") == "the-directory-a-reports-life"
