"""Everything a backend holds, to check that a refused request changed nothing."""

from __future__ import annotations

import sqlite3
from typing import Any

from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.store.items import ItemBackend
from functions.core.store.sqlite import SqliteBackend


def stored_state(backend: ItemBackend) -> dict[tuple[str, str], Any]:
    """Return every item and counter of ``backend`` by key (SQLite or DynamoDB)."""
    if isinstance(backend, SqliteBackend):
        with sqlite3.connect(backend.path) as conn:
            items = conn.execute("SELECT pk, sk, data, version, expires_at FROM items").fetchall()
            counters = conn.execute("SELECT pk, sk, value FROM counters").fetchall()
        return {(row[0], row[1]): row[2:] for row in [*items, *counters]}
    assert isinstance(backend, DynamoDbBackend)
    state: dict[tuple[str, str], Any] = {}
    request: dict[str, Any] = {"TableName": backend.table}
    while True:
        page = backend.client.scan(**request)
        for item in page["Items"]:
            state[(item["pk"]["S"], item["sk"]["S"])] = item
        if "LastEvaluatedKey" not in page:
            return state
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
