"""Subscribers as stored: API keys (hashed), plans, alert channels, and monthly usage counters.

A subscriber's life is ``domain/subscribers.py``'s; this module persists it.
Usage is counted with the backend's atomic counters, one per subscriber and
month, so that concurrent requests never exceed a quota.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from functions.core.domain.subscribers import KEY_PREFIX, Subscriber, subscriber_id_of
from functions.core.store.base import Repository, retry_on_conflict, sortable_time
from functions.core.store.codec import from_item, to_data
from functions.core.store.items import Item, Put
from functions.core.tokens import hash_token, new_token, same_digest

LISTING = "SUBSCRIBERS"


class SubscriberNotFound(LookupError):
    """No subscriber has this id."""


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
            to_data(subscriber),
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
        return from_item(Subscriber, item) if item else None

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
        return [from_item(Subscriber, item) for item in page.items], page.cursor

    def update_subscriber(
        self,
        subscriber_id: str,
        action: str,
        actor: str,
        change: Callable[[Subscriber], Subscriber] | None = None,
        **changes: Any,
    ) -> Subscriber:
        """Apply a transition of ``domain/subscribers.py`` (or set ``changes``) to the stored subscriber, audited.

        The transition is applied to the subscriber as read, read again if
        another writer changed it meanwhile; nothing is written when it changes nothing.
        """

        def attempt() -> Subscriber:
            item = self.backend.get(*self._key(subscriber_id))
            if item is None:
                raise SubscriberNotFound(subscriber_id)
            before = from_item(Subscriber, item)
            after = replace(change(before) if change else before, **changes)
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
            self.store.commit([Put(item.bumped(to_data(after)), item.version)], [event])
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
