"""The build state: what the previous build produced, so that the next one does only what changed.

A SQLite database in the build folder: the whole state is read at the start of
a build, and only the entries that changed are written back at its end (an
incremental build writes a few rows instead of rewriting tens of megabytes). A
missing or unreadable state, or one written by another version of the
generator, just means a full build.

It also keeps every company's record as the site shows it: the publisher reads
from the store only the companies marked as changed and takes the others from
here, so a publish costs a few store requests per change instead of a read of
every company. The publisher keeps a copy next to the site (``Target``), where
a fresh Lambda, whose ``/tmp`` is empty, finds it in one request.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from functions.core.usecases.site_snapshot import CompanyRecord
from functions.site.facts import RecordFacts, flat_record, record_from_flat

# Bump when the meaning of the state, the build folder's layout or the output of the generator
# changes (7: search shards packed, content digests by SHA-256).
GENERATOR_VERSION = "7"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, key TEXT NOT NULL, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS facts (siren TEXT PRIMARY KEY, digest TEXT NOT NULL, folded TEXT NOT NULL,
                                  row TEXT NOT NULL, keys TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, key TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (siren TEXT PRIMARY KEY, record TEXT NOT NULL);
"""


@dataclass
class BuildState:
    """What the previous build left.

    - ``files``: each output file's key and content digest;
    - ``facts``: each record's digest and derived values, by SIREN;
    - ``groups``: the key of groups of files made together (the search shards
      of one root, the sitemaps, the pages of a kind), so that an unchanged group
      is kept without even computing its files' keys;
    - ``records``: every company's record (by SIREN) and the charter version the
      site showed, what the next publish starts from.
    """

    mkdocs_key: str | None = None
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    facts: dict[str, RecordFacts] = field(default_factory=dict)
    groups: dict[str, str] = field(default_factory=dict)
    records: dict[str, CompanyRecord] = field(default_factory=dict)
    charter_version: str = ""

    @classmethod
    def load(cls, path: Path) -> BuildState:
        if not path.is_file():
            return cls()
        try:
            with _database(path) as db:
                meta = dict(db.execute("SELECT name, value FROM meta"))
                if meta.get("generator") != GENERATOR_VERSION:
                    return cls()
                files = {p: (k, d) for p, k, d in db.execute("SELECT path, key, digest FROM files")}
                facts = {
                    siren: RecordFacts(digest, folded, row, tuple(keys.split("\n")))
                    for siren, digest, folded, row, keys in db.execute("SELECT * FROM facts")
                }
                groups = dict(db.execute("SELECT name, key FROM groups"))
                records = {
                    siren: record_from_flat(json.loads(blob))
                    for siren, blob in db.execute("SELECT siren, record FROM records")
                }
        except sqlite3.DatabaseError:
            return cls()
        return cls(meta.get("mkdocs_key"), files, facts, groups, records, meta.get("charter_version", ""))

    def save(self, path: Path, previous: BuildState) -> None:
        """Write this state over ``previous`` (what ``path`` holds): only the differences."""
        with _database(path) as db:
            if previous.files and _generator(db) == GENERATOR_VERSION:
                _write_changes(db, "files", previous.files, self.files, lambda p, v: (p, *v))
                _write_changes(db, "facts", previous.facts, self.facts, _fact_row)
                _write_changes(db, "groups", previous.groups, self.groups, lambda n, k: (n, k))
                _write_changes(db, "records", previous.records, self.records, _record_row)
            else:
                for table in ("files", "facts", "groups", "records", "meta"):
                    db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
                db.executemany("INSERT INTO files VALUES (?, ?, ?)", ((p, *v) for p, v in self.files.items()))
                db.executemany(
                    "INSERT INTO facts VALUES (?, ?, ?, ?, ?)", (_fact_row(*item) for item in self.facts.items())
                )
                db.executemany("INSERT INTO groups VALUES (?, ?)", self.groups.items())
                rows = (_record_row(*item) for item in self.records.items())
                db.executemany("INSERT INTO records VALUES (?, ?)", rows)
            meta = {
                "generator": GENERATOR_VERSION,
                "mkdocs_key": self.mkdocs_key or "",
                "charter_version": self.charter_version,
            }
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())


@contextmanager
def _database(path: Path) -> Iterator[sqlite3.Connection]:
    """One transaction on the state database: committed at the end, rolled back on error."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # The default rollback journal: a commit rewrites the database file itself, so that its
        # modification time tells a long-lived builder that another process changed the state.
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        db.execute("BEGIN")
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.close()


def _generator(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE name = 'generator'").fetchone()
    return str(row[0]) if row else None


def _fact_row(siren: str, facts: RecordFacts) -> tuple[str, ...]:
    return (siren, facts.digest, facts.folded, facts.row, "\n".join(facts.keys))


def _record_row(siren: str, record: CompanyRecord) -> tuple[str, str]:
    return (siren, json.dumps(flat_record(record), ensure_ascii=False, separators=(",", ":")))


_KEYS = {"files": "path", "facts": "siren", "groups": "name", "records": "siren"}


def _write_changes(
    db: sqlite3.Connection,
    table: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    row: Callable[[str, Any], tuple[str, ...]],
) -> None:
    # Most values are the very objects the previous state held: ``is`` settles them without comparing.
    changed = [row(n, value) for n, value in after.items() if (old := before.get(n)) is not value and old != value]
    removed = [(name,) for name in before if name not in after]
    if changed:
        marks = ", ".join("?" * len(changed[0]))
        db.executemany(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", changed)  # noqa: S608 - fixed names
    if removed:
        db.executemany(f"DELETE FROM {table} WHERE {_KEYS[table]} = ?", removed)  # noqa: S608 - fixed names
