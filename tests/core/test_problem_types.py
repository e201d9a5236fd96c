"""Problem types are public and stable: each slug is defined by one class, with one title."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


def _slugs_in(tree: ast.AST) -> list[tuple[str, str]]:
    """The ``(class, slug)`` of every class body that sets ``slug``, alone or in ``status, slug, title = ...``."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if isinstance(statement, ast.Assign):
                target, value = statement.targets[0], statement.value
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                target, value = statement.target, statement.value
            else:
                continue
            names = [target] if isinstance(target, ast.Name) else getattr(target, "elts", [])
            values = [value] if isinstance(target, ast.Name) else getattr(value, "elts", [])
            for name, constant in zip(names, values, strict=False):
                if isinstance(name, ast.Name) and name.id == "slug" and isinstance(constant, ast.Constant):
                    found.append((node.name, str(constant.value)))
    return found


def defined_slugs() -> dict[str, list[str]]:
    where = defaultdict(list)
    for path in sorted(FUNCTIONS.rglob("*.py")):
        for class_name, slug in _slugs_in(ast.parse(path.read_text(), str(path))):
            where[slug].append(f"{path.relative_to(FUNCTIONS.parent)}:{class_name}")
    return where


def test_every_problem_slug_is_defined_once() -> None:
    where = defined_slugs()
    assert {slug: places for slug, places in where.items() if len(places) > 1} == {}


def test_the_slug_reader_finds_the_link_types_and_the_base_one() -> None:
    where = defined_slugs()
    assert where["lien-inconnu"] == ["functions/core/errors.py:UnknownLink"]
    assert where["lien-expire"] == ["functions/core/errors.py:ExpiredLink"]
    assert where["erreur-interne"] == ["functions/core/errors.py:Problem"]
    assert _slugs_in(ast.parse('class A:\n    slug, title = "x", "X"\nclass B:\n    slug = "x"\n')) == [
        ("A", "x"),
        ("B", "x"),
    ]
