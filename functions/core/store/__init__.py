"""Opening a store from its URL: ``sqlite:///PATH`` or ``dynamodb://TABLE?region=R``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from functions.core.clock import Clock, system_clock
from functions.core.store.base import AuditEvent, Repository, Store, retry_on_conflict
from functions.core.store.items import ConditionFailed, ItemBackend, LimitReached

__all__ = [
    "AuditEvent",
    "ConditionFailed",
    "LimitReached",
    "Repository",
    "Store",
    "backend_from_url",
    "open_store",
    "retry_on_conflict",
]


def backend_from_url(url: str, *, dynamodb_client: Any = None) -> ItemBackend:
    """Build the backend a store URL names; raise ValueError on an unknown scheme."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        from functions.core.store.sqlite import SqliteBackend

        # sqlite:///var/a.db is relative to the working directory; sqlite:////srv/a.db absolute.
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        if not path:
            raise ValueError("sqlite URL needs a path: sqlite:///var/ardoise.db")
        return SqliteBackend(path)
    if parts.scheme == "dynamodb":
        from functions.core.store.dynamodb import DynamoDbBackend

        if not parts.netloc:
            raise ValueError("dynamodb URL needs a table: dynamodb://ardoise?region=eu-west-3")
        query = parse_qs(parts.query)
        region = query.get("region", ["eu-west-3"])[0]
        return DynamoDbBackend(parts.netloc, client=dynamodb_client, region=region)
    raise ValueError(f"unknown store URL scheme {parts.scheme!r}: use sqlite:/// or dynamodb://")


def open_store(url: str, clock: Clock = system_clock, *, dynamodb_client: Any = None) -> Store:
    """Open the store a URL names, creating or migrating its schema when local."""
    backend = backend_from_url(url, dynamodb_client=dynamodb_client)
    if url.startswith("sqlite:"):
        backend.create_schema()
    return Store(backend, clock)
