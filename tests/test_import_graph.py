"""The import graph of ``functions/``: no circle, nothing importing upward, the SDKs and the request at the edges.

Every import is read from the source with ``ast``: module-level and
function-level ones alike, ``TYPE_CHECKING`` ones included (a deferred import
is still a dependency, only a cheaper one).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "functions"

# From the bottom up. A module may import its own layer and the layers below it,
# never one above. A module is placed by the longest prefix that names it, and
# every module must be placed: a new one says where it belongs here.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundations",
        (
            "functions",
            "functions.core",
            "functions.core.clock",
            "functions.core.cooldown",
            "functions.core.errors",
            "functions.core.french",
            "functions.core.headers",
            "functions.core.identifiers",
            "functions.core.json_input",
            "functions.core.logs",
            "functions.core.money",
            "functions.core.mounts",
            "functions.core.openapi",
            "functions.core.pdf",
            "functions.core.progress",
            "functions.core.text",
            "functions.core.tokens",
            "functions.core.validation",
        ),
    ),
    ("domain", ("functions.core.domain",)),
    (
        "settings and adapters",
        (
            "functions.core.config",
            "functions.core.mailer",
            "functions.core.sms",
            "functions.core.post",
            "functions.core.registry",
            "functions.core.einvoices",
        ),
    ),
    ("store", ("functions.core.store",)),
    ("resources", ("functions.core.resources",)),
    ("use cases", ("functions.core.usecases", "functions.core.badge")),
    ("http edge", ("functions.core.http", "functions.core.idempotency", "functions.core.spaces")),
    ("functions' apps", ("functions.charter", "functions.directory", "functions.reports", "functions.einvoice")),
    ("site", ("functions.site", "functions.publisher")),
    ("local", ("functions.local",)),
    ("cli", ("functions.cli",)),
]
# The functions are deployed apart, each its own Lambda package: none imports another
# (what two of them share lives in core). The publisher's package is the site's.
SEPARATE_FUNCTIONS: tuple[tuple[str, ...], ...] = (
    ("functions.charter",),
    ("functions.directory",),
    ("functions.reports",),
    ("functions.einvoice",),
    ("functions.publisher", "functions.site"),
)

SDKS = ("sqlite3", "boto3", "botocore", "mypy_boto3_")
# Only the store's backends and the adapters speak to a database or an AWS service.
SDK_USERS = frozenset(
    {
        "functions.core.store.sqlite",
        "functions.core.store.dynamodb",
        "functions.core.store.evidence",  # S3 for the evidence files
        "functions.core.mailer",  # SES
        "functions.site.state",  # the site builder's own state database
        "functions.site.publish.s3",
        "functions.core.registry.s3",  # the registry files an operator drops in S3
        "functions.core.einvoices.remote",  # invokes the einvoice stage's Lambda
    }
)
# Only the HTTP edge and the routes read the request; everything below them is given values.
REQUEST_READERS = frozenset(
    {
        "functions.core.http",
        "functions.core.idempotency",
        "functions.charter.routes",
        "functions.directory.routes",
        "functions.directory.experiences",
        "functions.directory.recovery",  # the routes of amicable recovery
        "functions.directory.case_report",  # the routes from a recovery case to its report
        "functions.directory.injunction",  # the routes of a case's court step (the PDF's address)
        "functions.directory.auth",
        "functions.core.spaces",  # the web spaces' sessions, CSRF and forms
        "functions.directory.space",
        "functions.directory.space_reports",
        "functions.directory.space_filing",
        "functions.directory.space_cases",  # the recovery cases in the creditor's space
        "functions.directory.space_scenarios",  # the reminder scenarios in the creditor's space
        "functions.directory.case_page",  # the debtor's HTML page of a case and its forms
        "functions.directory.space_moderation",
        "functions.reports.space",
        "functions.reports.routes",
        "functions.reports.auth",
    }
)


@dataclass(frozen=True)
class Import:
    module: str
    target: str  # the imported module, or module.name for ``from module import name``
    line: int


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports_of(module: str) -> Iterator[Import]:
    path = modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            yield Import(module, source, node.lineno)
            for alias in node.names:
                yield Import(module, f"{source}.{alias.name}", node.lineno)


def resolve(target: str) -> str | None:
    """The module of ``functions`` an import names (``from pkg import module`` names the module), or None."""
    while target and target not in modules():
        target = target.rpartition(".")[0]
    return target or None


@cache
def graph() -> dict[str, dict[str, int]]:
    """Each module's imports of ``functions``: imported module -> first line."""
    edges: dict[str, dict[str, int]] = {}
    for module in modules():
        edges[module] = {}
        for found in imports_of(module):
            target = resolve(found.target)
            if target is not None and target != module:
                edges[module].setdefault(target, found.line)
    return edges


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    return rank


def circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph()[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph()):
        if module not in index:
            visit(module)
    return found


def test_every_module_of_functions_has_a_layer() -> None:
    unplaced = [module for module in modules() if layer_of(module) < 0]
    assert unplaced == [], "place these modules in LAYERS"


def test_the_import_graph_of_functions_has_no_circle() -> None:
    assert circles() == []


def test_no_module_of_functions_imports_a_layer_above_its_own() -> None:
    upward = [
        f"{module}:{line} imports {target} ({LAYERS[layer_of(target)][0]} above {LAYERS[layer_of(module)][0]})"
        for module, targets in graph().items()
        for target, line in targets.items()
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_no_function_imports_another() -> None:
    def function_of(module: str) -> int | None:
        return next(
            (
                rank
                for rank, packages in enumerate(SEPARATE_FUNCTIONS)
                for package in packages
                if module == package or module.startswith(package + ".")
            ),
            None,
        )

    crossing = [
        f"{module}:{line} imports {target}"
        for module, targets in graph().items()
        for target, line in targets.items()
        if None is not function_of(module) != function_of(target) is not None
    ]
    assert crossing == []


def test_only_the_store_backends_and_the_adapters_import_sqlite3_boto3_or_botocore() -> None:
    users = [
        f"{found.module}:{found.line} imports {found.target}"
        for module in modules()
        for found in imports_of(module)
        if found.target.startswith(SDKS) and module not in SDK_USERS
    ]
    assert users == []


def test_only_the_http_edge_and_the_routes_import_flask_request() -> None:
    def reads_request(module: str) -> Iterator[int]:
        for found in imports_of(module):
            if found.target == "flask.request":
                yield found.line
        tree = ast.parse(modules()[module].read_text())
        for node in ast.walk(tree):
            named = isinstance(node, ast.Attribute) and node.attr == "request"
            if named and isinstance(node.value, ast.Name) and node.value.id == "flask":
                yield node.lineno

    readers = [
        f"{module}:{line}" for module in modules() if module not in REQUEST_READERS for line in reads_request(module)
    ]
    assert readers == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from functions.core.store.items import Item", ["functions.core.store.items"]),
        (
            "def f():\n    from functions.core.store import members",
            ["functions.core.store", "functions.core.store.members"],
        ),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import functions.core.http",
            ["functions.core.http"],
        ),
    ],
)
def test_the_walk_sees_module_level_function_level_and_type_checking_imports(
    source: str, expected: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = "functions.core.clock"
    fake = tmp_path / "clock.py"
    fake.write_text(source)
    monkeypatch.setitem(modules(), module, fake)
    assert (
        sorted({target for found in imports_of(module) if (target := resolve(found.target)) and target != module})
        == expected
    )
