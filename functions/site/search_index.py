"""The browser's search index: a tree of small JSON shards, one path of it per look-up.

Every company is indexed under its SIREN and under each part of its folded name
that starts at a word of two characters or more ("boulangerie martin", "martin").
The keys are sorted and cut into a radix tree: the root shard of a query is named
by its first two folded characters; a node whose rows fit in ``LEAF_BUDGET``
bytes is a leaf holding them all; a bigger node is split by the next character
(with common prefixes merged, so the tree stays shallow) and keeps only its
children's keys and its first ``TOP_ROWS`` rows, for short queries.

A look-up therefore downloads the shards on one root-to-node path: at most a few
small split nodes and one leaf, whatever the directory's size; the benchmark and
a test measure the worst path. Every two-character root exists (empty when no
key starts with it), so that the browser never meets a 404.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product

from functions.core.services.site_snapshot import CompanyRecord
from functions.core.text import fold

FOLDER = "recherche"
ROOT_LENGTH = 2
LEAF_BUDGET = 20_000
TOP_ROWS = 8
MAX_KEY = 48
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
CHARTER_CODES = {"active": "a", "suspended": "s", "outdated": "o", "withdrawn": "w"}


def shard_file(key: str) -> str:
    """Return the path of a node's shard: keys are ``[0-9a-z ]``, spaces become ``_``."""
    return f"{FOLDER}/{key.replace(' ', '_')}.json"


def search_row(record: CompanyRecord) -> list[str | int]:
    """What a result shows: SIREN, name, city, page folder, outstanding cents, charter status code."""
    folder = record.path.rstrip("/").rpartition("/")[2]
    charter = CHARTER_CODES[record.charter.status] if record.charter else ""
    return [record.siren, record.name, record.city, folder, record.outstanding_cents, charter]


def common_prefix(first: str, second: str) -> str:
    """The longest common prefix of two keys (``"martin a"``, ``"martin s"`` -> ``"martin "``)."""
    length = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        length += 1
    return first[:length]


def name_keys(folded: str) -> list[str]:
    """Return the parts of a folded name that start at a word of two characters or more."""
    keys, position = [], 0
    for word in folded.split(" "):
        if len(word) >= ROOT_LENGTH:
            keys.append(folded[position:])
        position += len(word) + 1
    return keys


@dataclass
class SearchIndex:
    """The shards (path -> JSON bytes) and what a look-up costs."""

    files: dict[str, bytes] = field(default_factory=dict)
    path_bytes: dict[str, int] = field(default_factory=dict)  # node key -> bytes downloaded to reach and read it

    @property
    def worst_lookup_bytes(self) -> int:
        return max(self.path_bytes.values(), default=0)


class _Builder:
    def __init__(self, records: Sequence[CompanyRecord]) -> None:
        self.rows = [json.dumps(search_row(r), ensure_ascii=False, separators=(",", ":")) for r in records]
        self.sizes = [len(row.encode()) + 1 for row in self.rows]
        postings = sorted(
            (key, index)
            for index, record in enumerate(records)
            for key in {record.siren, *name_keys(fold(record.name))}
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
        for first, second in product(ALPHABET, repeat=2):
            if first + second not in self.index.path_bytes:
                self.write(first + second, f'{{"k":"{first + second}","r":[]}}', 0)
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


def build_search_index(records: Sequence[CompanyRecord]) -> SearchIndex:
    """Return the shards of every company with a page."""
    return _Builder(records).build()
