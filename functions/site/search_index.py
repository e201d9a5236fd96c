"""The browser's search index: a tree of small JSON shards, one path of it per look-up.

Every company is indexed under its SIREN and under each part of its folded name
that starts at one of its words, by the rules the directory API follows too
(``functions/core/text.py``): "a b batiment", "b batiment", "batiment" for
"A&B Bâtiment". The keys are sorted and cut into a radix tree: the root shard of a
query is named by its first two folded characters (the second may be a space); a node whose rows fit in ``LEAF_BUDGET``
bytes is a leaf holding them all; a bigger node is split by the next character
(with common prefixes merged, so the tree stays shallow) and keeps only its
children's keys and its first ``TOP_ROWS`` rows, for short queries.

A look-up therefore downloads the shards on one root-to-node path: at most a few
small split nodes and one leaf, whatever the directory's size; the benchmark and
a test measure the worst path. Every root exists (empty when no key starts with
it), so that the browser never meets a 404.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from itertools import product
from typing import Any

from functions.core.text import fold, searchable
from functions.core.usecases.site_snapshot import CompanyRecord
from functions.site.facts import RecordFacts, all_facts

FOLDER = "recherche"
ROOT_LENGTH = 2
LEAF_BUDGET = 20_000
TOP_ROWS = 8
MAX_KEY = 48
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
# A key's second character may end a one-letter word ("a b batiment"); its first never is a space.
SECOND = ALPHABET + " "


def shard_file(key: str) -> str:
    """Return the path of a node's shard: keys are ``[0-9a-z ]``, spaces become ``_``."""
    return f"{FOLDER}/{key.replace(' ', '_')}.json"


def common_prefix(first: str, second: str) -> str:
    """The longest common prefix of two keys (``"martin a"``, ``"martin s"`` -> ``"martin "``)."""
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return first[:length]


@dataclass
class SearchIndex:
    """The shards (path -> JSON bytes) and what a look-up costs."""

    files: dict[str, bytes] = field(default_factory=dict)
    path_bytes: dict[str, int] = field(default_factory=dict)  # node key -> bytes downloaded to reach and read it

    @property
    def worst_lookup_bytes(self) -> int:
        return max(self.path_bytes.values(), default=0)


class _Builder:
    def __init__(
        self, records: Sequence[CompanyRecord], facts: Mapping[str, RecordFacts], roots: Set[str] | None
    ) -> None:
        self.rows = [facts[record.siren].row for record in records]
        self.sizes = [len(row.encode()) + 1 for row in self.rows]
        self.roots = roots
        postings = sorted(
            (key, index)
            for index, record in enumerate(records)
            for key in facts[record.siren].keys
            if roots is None or key[:ROOT_LENGTH] in roots
        )
        self.keys = [key for key, _ in postings]
        self.ids = [index for _, index in postings]
        self.index = SearchIndex()

    def build(self) -> SearchIndex:
        position = 0
        while position < len(self.keys):
            root = self.keys[position][:ROOT_LENGTH]
            end = bisect_left(self.keys, root + "~", position)
            self.node(root, position, end, 0)
            position = end
        for root in all_roots() if self.roots is None else self.roots:
            if root not in self.index.path_bytes:
                self.write(root, f'{{"k":"{root}","r":[]}}', 0)
        return self.index

    def unique(self, lo: int, hi: int) -> list[int]:
        return list(dict.fromkeys(self.ids[lo:hi]))

    def node(self, key: str, lo: int, hi: int, above: int) -> None:
        rows = self.unique(lo, hi)
        if sum(self.sizes[i] for i in rows) <= LEAF_BUDGET:
            self.write(key, self.leaf(key, rows), above)
            return
        exact_end = lo
        while exact_end < hi and self.keys[exact_end] == key:
            exact_end += 1
        if exact_end == hi or len(key) >= MAX_KEY:
            self.write(key, self.leaf(key, rows, truncate=True), above)  # the same name too many times
            return
        children = []
        position = exact_end
        while position < hi:
            following = key + chr(ord(self.keys[position][len(key)]) + 1)
            end = bisect_left(self.keys, following, position, hi)
            children.append((common_prefix(self.keys[position], self.keys[end - 1]), position, end))
            position = end
        names = json.dumps([child for child, _, _ in children], separators=(",", ":"))
        top = ",".join(self.rows[i] for i in rows[:TOP_ROWS])
        body = f'{{"k":{json.dumps(key)},"c":{names},"n":{len(rows)},"r":[{top}]}}'
        spent = self.write(key, body, above)
        for child, start, end in children:
            self.node(child, start, end, spent)

    def leaf(self, key: str, rows: list[int], *, truncate: bool = False) -> str:
        kept, budget = [], LEAF_BUDGET
        for i in rows:
            budget -= self.sizes[i]
            if truncate and budget < 0:
                break
            kept.append(i)
        more = f',"m":{len(rows) - len(kept)}' if len(kept) < len(rows) else ""
        return f'{{"k":{json.dumps(key)}{more},"r":[{",".join(self.rows[i] for i in kept)}]}}'

    def write(self, key: str, body: str, above: int) -> int:
        data = body.encode()
        self.index.files[shard_file(key)] = data
        self.index.path_bytes[key] = above + len(data)
        return above + len(data)


def all_roots() -> list[str]:
    """Every root (each has its shard, empty when no key starts with it): 36 x 37 of them."""
    return [first + second for first, second in product(ALPHABET, SECOND)]


def root_of_file(path: str) -> str:
    """The root a shard file belongs to: ``recherche/martin_d.json`` -> ``ma``, ``recherche/a_b.json`` -> ``a ``."""
    return path[len(FOLDER) + 1 : len(FOLDER) + 1 + ROOT_LENGTH].replace("_", " ")


def build_search_index(
    records: Sequence[CompanyRecord],
    facts: Mapping[str, RecordFacts] | None = None,
    roots: Set[str] | None = None,
) -> SearchIndex:
    """Return the shards of every company with a page; only those under ``roots`` when given."""
    return _Builder(records, facts if facts is not None else all_facts(records, {}), roots).build()


@dataclass(frozen=True)
class Lookup:
    """What the browser does for one query: the shards it downloads and the rows it shows."""

    files: tuple[str, ...]
    bytes: int
    sirens: tuple[str, ...]
    more: int = 0  # companies the last shard left out ("and N others")


def _matches(row: list[Any], query: str) -> bool:
    return str(row[0]).startswith(query) or f" {query}" in " " + fold(str(row[1]))


def lookup(files: dict[str, bytes], query: str) -> Lookup:
    """Follow the shards as ``recherche.js`` does (same descent, same filter), for tests and figures."""
    q = fold(query)
    if not searchable(q):
        return Lookup((), 0, ())
    fetched = [shard_file(q[:ROOT_LENGTH])]
    node = json.loads(files[fetched[0]])
    while "c" in node and len(q) > len(node["k"]):
        depth = len(node["k"])
        child = next((c for c in node["c"] if c[depth] == q[depth]), None)
        if child is None or not (q.startswith(child) or child.startswith(q)):
            node = {"r": []}
            break
        fetched.append(shard_file(child))
        node = json.loads(files[fetched[-1]])
    rows = [row for row in node.get("r", []) if _matches(row, q)]
    more = max(0, node.get("n", 0) - len(rows)) if "c" in node else node.get("m", 0)
    sirens = tuple(str(row[0]) for row in rows)
    return Lookup(tuple(fetched), sum(len(files[name]) for name in fetched), sirens, more)
