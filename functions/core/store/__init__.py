"""The store: every repository over one backend, and opening it from its URL.

A repository is a module of this package that builds on ``base.Repository``;
adding one is one line in :class:`Store` below (``base`` knows none of them).
A store URL is ``sqlite:///PATH`` or ``dynamodb://TABLE?region=R``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from functions.core.clock import Clock, system_clock
from functions.core.store.alerts import Alerts
from functions.core.store.audit import AuditLog
from functions.core.store.base import AuditEvent, Ledger, Repository, retry_on_conflict
from functions.core.store.companies import Companies
from functions.core.store.documents import Documents
from functions.core.store.experiences import Experiences
from functions.core.store.expiry import Expiring
from functions.core.store.items import ConditionFailed, ItemBackend, LimitReached
from functions.core.store.members import Members
from functions.core.store.moderators import Moderators
from functions.core.store.outbox import PUBLISH_QUEUE, Marks
from functions.core.store.public_content import PublicItems
from functions.core.store.recovery import Cases
from functions.core.store.registry import Registry
from functions.core.store.replays import Replays
from functions.core.store.replies import Replies
from functions.core.store.reports import Reports
from functions.core.store.sessions import Sessions
from functions.core.store.signatures import Signatures
from functions.core.store.subscribers import Subscribers
from functions.core.store.summaries import Summaries
from functions.core.store.watchlist import Watchlist

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


class Store(Ledger):
    """All domain operations on one backend; one attribute per repository."""

    def __init__(self, backend: ItemBackend, clock: Clock = system_clock) -> None:
        super().__init__(backend, clock)
        self.audit = AuditLog(self)
        self.outbox = Marks(self)
        self.site_changes = Marks(self, PUBLISH_QUEUE)
        self.replays = Replays(self)
        self.companies = Companies(self)
        self.signatures = Signatures(self)
        self.reports = Reports(self, companies=self.companies)
        self.replies = Replies(self)
        self.documents = Documents(self)
        self.members = Members(self)
        self.moderators = Moderators(self)
        self.expiring = Expiring(self, forget_member=self.members.forget_expired)
        self.subscribers = Subscribers(self)
        self.summaries = Summaries(self)
        self.experiences = Experiences(self)
        self.watchlist = Watchlist(self)
        self.alerts = Alerts(self)
        self.registry = Registry(self)
        self.public_items = PublicItems(self)
        self.sessions = Sessions(self)
        self.cases = Cases(self)


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
