"""Subscribers: API keys (stored hashed), plans, alert channels, and monthly usage counters.

A key reads ``ard_sub_<id>_<secret>``: the id finds the subscriber in one read,
then the key's digest is compared with the stored one in constant time. Usage is
counted with the backend's atomic counters, one per subscriber and month, so
that concurrent requests never exceed a quota.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, replace
from typing import Any

from functions.core.store.base import Repository, retry_on_conflict, sortable_time
from functions.core.store.items import Item, Put
from functions.core.tokens import hash_token, new_token, same_digest

KEY_PREFIX = "ard_sub_"
LISTING = "SUBSCRIBERS"


class SubscriberNotFound(LookupError):
    """No subscriber has this id."""


@dataclass(frozen=True)
class Subscriber:
    """A paying user of the solvency summaries."""

    id: str
    name: str
    email: str
    plan: str
    key_digest: str
    created_at: str
    status: str = "active"  # active | revoked
    revoked_at: str | None = None
    webhook_url: str = ""
    # The webhook secret is derived from the platform's secret key and this nonce
    # (see usecases/reports/webhooks.py), so the store never holds it in clear.
    webhook_nonce: str = ""
    # The secret a rotation replaced keeps signing until then (ISO 8601, UTC), beside the new one.
    webhook_previous_nonce: str = ""
    webhook_previous_until: str = ""

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def audit_view(self) -> dict[str, Any]:
        """What the audit log may keep: identifiers and statuses, never name or e-mail."""
        return {"id": self.id, "plan": self.plan, "status": self.status, "webhook": bool(self.webhook_url)}


def subscriber_id_of(key: str) -> str | None:
    """Return the subscriber id a key names, or None when it is not shaped like a key."""
    if not key.startswith(KEY_PREFIX):
        return None
    subscriber_id, _, secret = key.removeprefix(KEY_PREFIX).partition("_")
    if len(subscriber_id) != 12 or not secret or not all(c in "0123456789abcdef" for c in subscriber_id):
        return None
    return subscriber_id


class Subscribers(Repository):
    """Create, find, change subscribers; count their use."""

    def _key(self, subscriber_id: str) -> tuple[str, str]:
        return f"SUBSCRIBER#{subscriber_id}", "PROFILE"

    def create_subscriber(self, *, name: str, email: str, plan: str, actor: str) -> tuple[Subscriber, str]:
        """Create a subscriber; return it with its API key (shown once, never stored)."""
        subscriber_id = secrets.token_hex(6)
        key = new_token(f"{KEY_PREFIX}{subscriber_id}")
        subscriber = Subscriber(
            id=subscriber_id,
            name=name,
            email=email,
            plan=plan,
            key_digest=hash_token(key),
            created_at=sortable_time(self.now()),
        )
        item = Item(
            *self._key(subscriber_id),
            asdict(subscriber),
            gsi2pk=LISTING,
            gsi2sk=f"{subscriber.created_at}#{subscriber_id}",
        )
        event = self.store.event(
            f"subscriber:{subscriber_id}",
            f"subscriber:{subscriber_id}",
            "subscriber.created",
            actor,
            after=subscriber.audit_view(),
        )
        self.store.commit([Put(item, None)], [event])
        return subscriber, key

    def get_subscriber(self, subscriber_id: str) -> Subscriber | None:
        item = self.backend.get(*self._key(subscriber_id))
        return Subscriber(**item.data) if item else None

    def authenticate(self, key: str) -> Subscriber | None:
        """Return the active subscriber holding ``key``, or None (wrong, unknown or revoked)."""
        subscriber_id = subscriber_id_of(key)
        if subscriber_id is None:
            return None
        subscriber = self.get_subscriber(subscriber_id)
        if subscriber is None or not same_digest(key, subscriber.key_digest) or not subscriber.is_active:
            return None
        return subscriber

    def list_subscribers(self, limit: int = 100, cursor: str | None = None) -> tuple[list[Subscriber], str | None]:
        """Return subscribers, oldest first, one page at a time."""
        page = self.backend.query(LISTING, index="gsi2", limit=limit, cursor=cursor)
        return [Subscriber(**item.data) for item in page.items], page.cursor

    def update_subscriber(self, subscriber_id: str, action: str, actor: str, **changes: Any) -> Subscriber:
        """Change some fields of a subscriber (plan, status, webhook), audited."""

        def attempt() -> Subscriber:
            item = self.backend.get(*self._key(subscriber_id))
            if item is None:
                raise SubscriberNotFound(subscriber_id)
            before = Subscriber(**item.data)
            after = replace(before, **changes)
            if after == before:
                return before
            event = self.store.event(
                f"subscriber:{subscriber_id}",
                f"subscriber:{subscriber_id}",
                action,
                actor,
                before=before.audit_view(),
                after=after.audit_view(),
            )
            self.store.commit([Put(item.bumped(asdict(after)), item.version)], [event])
            return after

        return retry_on_conflict(attempt)

    # -- usage ---------------------------------------------------------------
    def count_summaries(self, subscriber_id: str, month: str, amount: int, quota: int) -> int:
        """Count ``amount`` summaries this month, atomically; raise LimitReached past ``quota``."""
        return self.backend.increment(f"USAGE#{subscriber_id}", f"{month}#summaries", amount, limit=quota)

    def count_call(self, subscriber_id: str, month: str) -> int:
        """Count one call that serves no summary (watchlist, usage...)."""
        return self.backend.increment(f"USAGE#{subscriber_id}", f"{month}#calls", 1)

    def get_usage(self, subscriber_id: str, month: str) -> dict[str, int]:
        """Return this month's counters."""
        pk = f"USAGE#{subscriber_id}"
        return {
            "summaries": self.backend.get_counter(pk, f"{month}#summaries"),
            "calls": self.backend.get_counter(pk, f"{month}#calls"),
        }
