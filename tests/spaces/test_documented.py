"""Every page and form of the web spaces is listed in docs/spaces.md, and nothing listed there is missing."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from functions.core.mounts import is_space_page

DOC = Path(__file__).resolve().parents[2] / "docs" / "spaces.md"
_ROW = re.compile(r"^\| (GET|POST) \| `([^`]+)` \|", re.M)


def documented() -> set[tuple[str, str]]:
    text = DOC.read_text()
    table = text.split("<!-- space routes:")[1].split("<!-- end of space routes -->")[0]
    return {(method, path) for method, path in _ROW.findall(table)}


def served(app: Flask) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if is_space_page(rule.endpoint):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"<\1>", rule.rule)
            found |= {(method, path) for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    return found


def test_every_space_page_is_documented_and_every_documented_page_exists(
    directory_app: Flask, reports_app: Flask
) -> None:
    assert served(directory_app) | served(reports_app) == documented()
