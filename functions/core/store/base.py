"""The store facade: domain repositories over one item backend, audited writes.

Every state change goes through :meth:`Store.commit`, which appends its audit
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
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from functions.core.clock import Clock, system_clock
from functions.core.logs import get_logger
from functions.core.store.items import ConditionFailed, Delete, Item, ItemBackend, Put, StoreError, Write

if TYPE_CHECKING:  # pragma: no cover
    from functions.core.store.alerts import Alerts
    from functions.core.store.audit import AuditLog
    from functions.core.store.companies import Companies
    from functions.core.store.experiences import Experiences
    from functions.core.store.expiry import Expiring
    from functions.core.store.members import Members
    from functions.core.store.moderators import Moderators
    from functions.core.store.outbox import Outbox
    from functions.core.store.replays import Replays
    from functions.core.store.replies import Replies
    from functions.core.store.reports import Reports
    from functions.core.store.signatures import Signatures
    from functions.core.store.subscribers import Subscribers
    from functions.core.store.summaries import Summaries
    from functions.core.store.watchlist import Watchlist

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

    def __init__(self, store: Store) -> None:
        self.store = store
        self.backend = store.backend

    def now(self) -> datetime:
        return self.store.clock()

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


class Store:
    """All domain operations on one backend; one attribute per repository."""

    def __init__(self, backend: ItemBackend, clock: Clock = system_clock) -> None:
        self.backend = backend
        self.clock = clock

    @cached_property
    def audit(self) -> AuditLog:
        from functions.core.store.audit import AuditLog

        return AuditLog(self)

    @cached_property
    def outbox(self) -> Outbox:
        from functions.core.store.outbox import Outbox

        return Outbox(self)

    @cached_property
    def replays(self) -> Replays:
        from functions.core.store.replays import Replays

        return Replays(self)

    @cached_property
    def companies(self) -> Companies:
        from functions.core.store.companies import Companies

        return Companies(self)

    # -- solvency reports (issue 5) --
    @cached_property
    def subscribers(self) -> Subscribers:
        from functions.core.store.subscribers import Subscribers

        return Subscribers(self)

    @cached_property
    def summaries(self) -> Summaries:
        from functions.core.store.summaries import Summaries

        return Summaries(self)

    @cached_property
    def experiences(self) -> Experiences:
        from functions.core.store.experiences import Experiences

        return Experiences(self)

    @cached_property
    def watchlist(self) -> Watchlist:
        from functions.core.store.watchlist import Watchlist

        return Watchlist(self)

    @cached_property
    def alerts(self) -> Alerts:
        from functions.core.store.alerts import Alerts

        return Alerts(self)

    @cached_property
    def reports(self) -> Reports:
        from functions.core.store.reports import Reports

        return Reports(self)

    @cached_property
    def members(self) -> Members:
        from functions.core.store.members import Members

        return Members(self)

    @cached_property
    def moderators(self) -> Moderators:
        from functions.core.store.moderators import Moderators

        return Moderators(self)

    @cached_property
    def replies(self) -> Replies:
        from functions.core.store.replies import Replies

        return Replies(self)

    @cached_property
    def expiring(self) -> Expiring:
        from functions.core.store.expiry import Expiring

        return Expiring(self)

    @cached_property
    def signatures(self) -> Signatures:
        from functions.core.store.signatures import Signatures

        return Signatures(self)

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
        batch = [*writes, *proofs, *(self.outbox.mark(siren) for siren in companies)]
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
