"""The embedded backend: one SQLite file in WAL mode, safe with several threads.

Each thread gets its own connection; writes run in ``BEGIN IMMEDIATE``
transactions so that version checks and writes are atomic across threads and
processes. The schema is versioned with ``PRAGMA user_version`` and migrated on
first use. A database still locked by another writer after ``busy_timeout``
seconds is :class:`StoreUnavailable`, as a throttled DynamoDB table is.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from functions.core.store.items import (
    Check,
    ConditionFailed,
    Delete,
    Index,
    Item,
    LimitReached,
    Page,
    Put,
    Replaces,
    Write,
    check_transaction,
    decode_cursor,
    encode_cursor,
    encode_data,
    key_bounds,
    unavailable_when,
)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE items (
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        data TEXT NOT NULL,
        version INTEGER NOT NULL,
        gsi1pk TEXT, gsi1sk TEXT,
        gsi2pk TEXT, gsi2sk TEXT,
        expires_at INTEGER,
        PRIMARY KEY (pk, sk)
    ) WITHOUT ROWID;
    CREATE INDEX items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk) WHERE gsi1pk IS NOT NULL;
    CREATE INDEX items_gsi2 ON items (gsi2pk, gsi2sk, pk, sk) WHERE gsi2pk IS NOT NULL;
    CREATE TABLE counters (
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        value INTEGER NOT NULL,
        PRIMARY KEY (pk, sk)
    ) WITHOUT ROWID;
    """,
)

# Items a bulk write puts in one SQLite transaction (put_newer): large enough that commits cost little.
BULK_ROWS = 5000
_COLUMNS = "pk, sk, data, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, expires_at"


def is_busy(exc: Exception) -> bool:
    """Tell whether SQLite gave up waiting for another writer ("database is locked")."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}  # extended codes keep the primary low byte
    return "locked" in str(exc) or "busy" in str(exc)


_guarded = unavailable_when(is_busy)


def _row(item: Item) -> tuple[Any, ...]:
    return _row_of(item, encode_data(item.data))


def _row_of(item: Item, data: str) -> tuple[Any, ...]:
    return (item.pk, item.sk, data, item.version, item.gsi1pk, item.gsi1sk, item.gsi2pk, item.gsi2sk, item.expires_at)


def _rows_by_key(conn: sqlite3.Connection, columns: str, keys: Sequence[tuple[str, str]]) -> list[Any]:
    """Rows for many keys, by sort key then ``pk IN (...)``: each a look-up in the primary key."""
    by_sort_key: dict[str, list[str]] = {}
    for pk, sk in dict.fromkeys(keys):
        by_sort_key.setdefault(sk, []).append(pk)
    rows: list[Any] = []
    for sk, pks in by_sort_key.items():
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            sql = f"SELECT {columns} FROM items WHERE sk = ? AND pk IN ({', '.join('?' * len(chunk))})"
            rows.extend(conn.execute(sql, [sk, *chunk]))
    return rows


def _row_to_item(row: sqlite3.Row | tuple[Any, ...]) -> Item:
    pk, sk, data, version, g1p, g1s, g2p, g2s, expires_at = row
    return Item(pk, sk, json.loads(data), version, g1p, g1s, g2p, g2s, expires_at)


class SqliteBackend:
    """Items in a local SQLite file (or ``:memory:`` for one thread only)."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = str(path)
        self.busy_timeout = busy_timeout
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    # -- connections -------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout * 1000)}")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        if not self._schema_ready:
            with self._schema_lock:
                if not self._schema_ready:
                    self._migrate(conn)
                    self._schema_ready = True
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def schema_version(self) -> int:
        """Return the migrated schema's version number."""
        return int(self._connect().execute("PRAGMA user_version").fetchone()[0])

    @_guarded
    def create_schema(self) -> None:
        self._connect()

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- reads -------------------------------------------------------------
    @_guarded
    def get(self, pk: str, sk: str) -> Item | None:
        row = self._connect().execute(f"SELECT {_COLUMNS} FROM items WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()
        return _row_to_item(row) if row else None

    @_guarded
    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item]:
        return [_row_to_item(row) for row in _rows_by_key(self._connect(), _COLUMNS, keys)]

    @_guarded
    def query(
        self,
        pk: str,
        *,
        index: Index | None = None,
        sk_prefix: str = "",
        sk_from: str | None = None,
        sk_to: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        descending: bool = False,
    ) -> Page:
        pk_col, sk_col = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
        order_cols = [sk_col, "pk", "sk"] if index else ["sk"]
        where = [f"{pk_col} = ?"]
        params: list[Any] = [pk]
        low, high = key_bounds(sk_prefix, sk_from, sk_to)
        if low is not None:
            where.append(f"{sk_col} >= ?")
            params.append(low)
        if high is not None:
            where.append(f"{sk_col} <= ?")
            params.append(high)
        if cursor:
            last = decode_cursor(cursor)
            values = [last.get("isk", ""), last.get("pk", ""), last.get("sk", "")] if index else [last.get("sk", "")]
            op = "<" if descending else ">"
            where.append(f"({', '.join(order_cols)}) {op} ({', '.join('?' * len(values))})")
            params += values
        direction = "DESC" if descending else "ASC"
        sql = f"SELECT {_COLUMNS} FROM items WHERE {' AND '.join(where)} ORDER BY "
        sql += ", ".join(f"{col} {direction}" for col in order_cols)
        if limit is not None:
            sql += f" LIMIT {int(limit) + 1}"
        items = [_row_to_item(row) for row in self._connect().execute(sql, params)]
        next_cursor = None
        if limit is not None and len(items) > limit:
            items = items[:limit]
            last_item = items[-1]
            key = {"pk": last_item.pk, "sk": last_item.sk}
            if index:
                key["isk"] = getattr(last_item, sk_col) or ""
            next_cursor = encode_cursor(key)
        return Page(items, next_cursor)

    @_guarded
    def scan_partitions(self, prefix: str) -> list[str]:
        rows = self._connect().execute(
            "SELECT DISTINCT pk FROM items WHERE pk >= ? AND pk < ? ORDER BY pk",
            (prefix, prefix + "\U0010ffff"),
        )
        return [row[0] for row in rows]

    def scan(self, kinds: Sequence[tuple[str, str]], *, segment: int = 0, segments: int = 1) -> Iterator[Item]:
        clauses, params = [], []
        for pk_prefix, sk_prefix in kinds:
            parts = []
            for column, prefix in (("pk", pk_prefix), ("sk", sk_prefix)):
                low, high = key_bounds(prefix, None, None)
                if low is not None and high is not None:
                    parts.append(f"{column} BETWEEN ? AND ?")
                    params += [low, high]
            clauses.append("(" + (" AND ".join(parts) or "1") + ")")
        if not clauses:
            return
        rows = self._scan_rows(f"SELECT {_COLUMNS} FROM items WHERE {' OR '.join(clauses)}", params)
        for row in rows:
            # Segments by partition, as DynamoDB's: a partition's items all fall in one segment.
            if segments == 1 or zlib.crc32(row[0].encode()) % segments == segment:
                yield _row_to_item(row)

    @_guarded
    def _scan_rows(self, sql: str, params: list[Any]) -> list[Any]:
        return self._connect().execute(sql, params).fetchall()

    # -- writes ------------------------------------------------------------
    @_guarded
    def transact(self, writes: Sequence[Write]) -> None:
        check_transaction(writes)
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for write in writes:
                self._apply(conn, write)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _current_version(self, conn: sqlite3.Connection, pk: str, sk: str) -> int | None:
        row = conn.execute("SELECT version FROM items WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()
        return row[0] if row else None

    def _apply(self, conn: sqlite3.Connection, write: Write) -> None:
        if isinstance(write, Check):
            if self._current_version(conn, write.pk, write.sk) != write.expected_version:
                raise ConditionFailed(f"{write.pk}/{write.sk} changed")
        elif isinstance(write, Put):
            item = write.item
            if not write.unconditional and self._current_version(conn, item.pk, item.sk) != write.expected_version:
                raise ConditionFailed(f"{item.pk}/{item.sk} changed")
            conn.execute(f"INSERT OR REPLACE INTO items ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", _row(item))
        elif isinstance(write, Delete):
            if not write.unconditional and self._current_version(conn, write.pk, write.sk) != write.expected_version:
                raise ConditionFailed(f"{write.pk}/{write.sk} changed")
            conn.execute("DELETE FROM items WHERE pk = ? AND sk = ?", (write.pk, write.sk))
        else:  # pragma: no cover - the Write union is closed
            raise TypeError(f"unknown write {write!r}")

    @_guarded
    def put_newer(self, items: Sequence[Item], replaces: Replaces) -> list[Item]:
        conn = self._connect()
        written: list[Item] = []
        for start in range(0, len(items), BULK_ROWS):
            chunk = items[start : start + BULK_ROWS]
            conn.execute("BEGIN IMMEDIATE")
            try:
                stored = self._stored(conn, [(item.pk, item.sk) for item in chunk])
                rows = []
                for item in chunk:
                    current = stored.get((item.pk, item.sk))
                    data = encode_data(item.data)
                    # The same text is the same data: a file imported again is compared without decoding.
                    if current is not None and (current[0] == data or not replaces(json.loads(current[0]), item.data)):
                        continue
                    if current is None and not replaces(None, item.data):
                        continue
                    fresh = Item(item.pk, item.sk, item.data, current[1] + 1 if current else 1, item.gsi1pk,
                                 item.gsi1sk, item.gsi2pk, item.gsi2sk, item.expires_at)  # fmt: skip
                    written.append(fresh)
                    rows.append(_row_of(fresh, data))
                conn.executemany(f"INSERT OR REPLACE INTO items ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return written

    def _stored(self, conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, int]]:
        """The stored JSON text and version of each key found."""
        rows = _rows_by_key(conn, "sk, pk, data, version", keys)
        return {(pk, sk): (data, version) for sk, pk, data, version in rows}

    @_guarded
    def increment(self, pk: str, sk: str, amount: int = 1, *, limit: int | None = None) -> int:
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT value FROM counters WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()
            value = (row[0] if row else 0) + amount
            if limit is not None and value > limit:
                raise LimitReached(f"{pk}/{sk} would reach {value} > {limit}")
            conn.execute("INSERT OR REPLACE INTO counters (pk, sk, value) VALUES (?, ?, ?)", (pk, sk, value))
            conn.execute("COMMIT")
            return int(value)
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    @_guarded
    def get_counter(self, pk: str, sk: str) -> int:
        row = self._connect().execute("SELECT value FROM counters WHERE pk = ? AND sk = ?", (pk, sk)).fetchone()
        return int(row[0]) if row else 0
