"""What every repository stands on: one item backend, its clock, audited transactions.

The repositories (one module each) build on :class:`Ledger`; the package's
``Store`` composes them, so this module knows none of them.

Every state change goes through :meth:`Ledger.commit`, which appends its audit
events, and marks the companies whose derived data must be refreshed, in the
same transaction as the change itself.

A transaction can be applied and still fail on its way back (a timeout, or
the SDK retrying a call that had landed, whose retry then fails its own
version condition). Its first audit event doubles as its proof: a commit that
fails reads it back, and a change found applied counts as committed instead
of being reported as a lost race and applied again by the caller's retry.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from functions.core.clock import Clock, system_clock
from functions.core.logs import get_logger
from functions.core.store.items import ConditionFailed, Delete, Index, Item, ItemBackend, Put, StoreError, Write

T = TypeVar("T")
log = get_logger("store")


def sortable_time(moment: datetime) -> str:
    """UTC timestamp with microseconds that sorts as text (audit and queue keys)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class AuditEvent:
    """One state change: who did what to which entity, when, before and after.

    ``before``/``after`` hold identifiers, statuses, amounts and dates only:
    free text (reasons, replies) never enters the audit log, which outlives it.
    """

    subject: str
    entity: str
    action: str
    actor: str
    at: str
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None

    def to_put(self) -> Put:
        # The wall-clock tiebreak keeps events stamped alike (a frozen test clock,
        # one commit's several events) in the order they were written.
        sk = f"{self.at}#{time.time_ns():020d}#{uuid.uuid4().hex[:6]}"
        return Put(Item(f"AUDIT#{self.subject}", sk, asdict(self)))


class Repository:
    """Base of the domain repositories: the backend, the clock and commit."""

    def __init__(self, store: Ledger) -> None:
        self.store = store
        self.backend = store.backend

    def now(self) -> datetime:
        return self.store.clock()

    def query_all(self, pk: str, *, index: Index | None = None, sk_prefix: str = "") -> list[Item]:
        """Return every item of a partition (of an index when named) under ``sk_prefix``, page after page."""
        items: list[Item] = []
        cursor = None
        while True:
            page = self.backend.query(pk, index=index, sk_prefix=sk_prefix, limit=500, cursor=cursor)
            items.extend(page.items)
            if page.cursor is None:
                return items
            cursor = page.cursor

    def delete_unchanged(self, items: Iterable[Item]) -> int:
        """Delete each item unless it changed since it was read (purges); return how many went."""
        deleted = 0
        for item in items:
            try:
                self.backend.transact([Delete(item.pk, item.sk, item.version)])
            except ConditionFailed:
                continue  # written again meanwhile: no longer what the purge chose
            deleted += 1
        return deleted


# Companies whose derived data is stale wait on this gsi1 partition (outbox.py reads it).
OUTBOX_QUEUE = "OUTBOX"


def stale_mark(siren: str, moment: datetime, queue: str = OUTBOX_QUEUE) -> Put:
    """Return the write that marks ``siren`` in ``queue`` (to join a transaction): one mark per company and queue."""
    # A fresh version on every mark lets a consumer detect a mark set behind its back.
    version = time.time_ns()
    at = sortable_time(moment)
    item = Item(f"{queue}#{siren}", "MARK", {"siren": siren, "at": at}, version, queue, f"{at}#{siren}")
    return Put(item, unconditional=True)


class Ledger:
    """One backend and its clock: audit events and the transactions that carry them."""

    def __init__(self, backend: ItemBackend, clock: Clock = system_clock) -> None:
        self.backend = backend
        self.clock = clock

    def event(self, subject: str, entity: str, action: str, actor: str, **changes: Any) -> AuditEvent:
        """Build an audit event stamped with the store's clock."""
        return AuditEvent(subject, entity, action, actor, sortable_time(self.clock()), **changes)

    def commit(self, writes: Sequence[Write], events: Iterable[AuditEvent], touched: Iterable[str] = ()) -> None:
        """Apply the writes, their audit events and company marks in one transaction.

        In a request sent with an ``Idempotency-Key``, the first commit also
        claims the key (``RequestWrites.claim``): the key is recorded if and only
        if the change is.
        """
        companies = sorted(set(touched))
        proofs = [event.to_put() for event in events]
        batch = [*writes, *proofs, *(stale_mark(siren, self.clock()) for siren in companies)]
        current = request_writes.get()
        claim = current.claim if current is not None else None
        if claim is not None:
            batch.append(claim)
        try:
            self._transact(batch, proofs[0] if proofs else None)
        except ConditionFailed as exc:
            if claim is not None and self._claimed_meanwhile(claim):
                raise KeyClaimed("another request with the same key committed first") from exc
            raise
        _commits.set(_commits.get() + 1)
        if current is not None:
            current.claim = None
            current.commits += 1
            current.touched.update(companies)

    def _claimed_meanwhile(self, claim: Put) -> bool:
        try:
            found = self.backend.get(claim.item.pk, claim.item.sk)
        except StoreError:
            return False  # cannot tell: a lost race, retried as such
        return found is not None and found.version != claim.expected_version

    def _transact(self, batch: list[Write], proof: Put | None) -> None:
        try:
            self.backend.transact(batch)
        except Exception as exc:
            if proof is None or not self._landed(proof):
                raise
            log.warning(
                "transaction applied although its call failed",
                extra={"error": f"{type(exc).__name__}: {exc}", "proof": proof.item.pk},
            )

    def _landed(self, proof: Put) -> bool:
        try:
            return self.backend.get(proof.item.pk, proof.item.sk) is not None
        except StoreError:
            return False  # cannot tell: the original error stands


class KeyClaimed(StoreError):
    """A concurrent request with the same ``Idempotency-Key`` committed first: answer with its outcome."""


@dataclass
class RequestWrites:
    """What the current request committed, so that the edge can finish it."""

    commits: int = 0
    touched: set[str] = field(default_factory=set)
    # The idempotency claim the next commit carries (a keyed request not yet committed).
    claim: Put | None = None


# Set by the HTTP edge for each request (None outside one: jobs rely on the tick).
request_writes: ContextVar[RequestWrites | None] = ContextVar("request_writes", default=None)
# Commits made in this context, requests and jobs alike (see retry_on_conflict).
_commits: ContextVar[int] = ContextVar("commits", default=0)


def retry_on_conflict(operation: Callable[[], T], *, attempts: int = 12) -> T:
    """Run a read-modify-write ``operation`` again while another writer wins the race.

    Only an attempt that committed nothing is run again: one that lost a race
    after a commit of its own would apply that commit a second time.
    """
    for attempt in range(attempts):
        committed = _commits.get()
        try:
            return operation()
        except ConditionFailed:
            if attempt == attempts - 1 or _commits.get() != committed:
                raise
            time.sleep(min(0.1, 0.002 * 2**attempt))
    raise AssertionError("unreachable")  # pragma: no cover
