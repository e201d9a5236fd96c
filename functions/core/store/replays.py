"""Keyed requests (``Idempotency-Key``): the claim committed with the change, then the response.

- ``IDEMPOTENCY#{digest}`` / ``IDEMPOTENCY``: ``digest`` is the SHA-256 of who
  asks (a member, a moderator, a subscriber; the method and path for anonymous
  routes) and the key, so that neither a principal nor a private path (a
  debtor's reply link) is stored in clear. It holds the request's fingerprint
  and, once known, the response: status, a few headers and the body sealed with
  a key derived from the platform's secret and the record's own key.

The claim joins the request's first commit (see ``Store.commit``), so it exists
if and only if the change does. A record lives 24 hours: DynamoDB's TTL and the
expiry queue (``expiry.py``) delete it; past its expiry it is ignored, and a new
claim replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from functions.core.store.base import Repository, sortable_time
from functions.core.store.expiry import expiry_keys
from functions.core.store.items import ConditionFailed, Item, Put

REPLAY_HOURS = 24
SORT_KEY = "IDEMPOTENCY"


@dataclass(frozen=True)
class Replay:
    """A live record: the first request's fingerprint and, once recorded, its response."""

    fingerprint: str
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""


class Replays(Repository):
    """Claim keys, record responses, find them again for 24 hours."""

    def find(self, pk: str) -> tuple[Replay | None, Item | None]:
        """Return the live record under ``pk`` (None once expired) and the stored item (even expired)."""
        item = self.backend.get(pk, SORT_KEY)
        if item is None or (item.expires_at is not None and item.expires_at <= self.now().timestamp()):
            return None, item
        response = item.data.get("response") or {}
        return (
            Replay(
                item.data["fingerprint"], response.get("status"), response.get("headers", {}), response.get("body", "")
            ),
            item,
        )

    def claim(self, pk: str, fingerprint: str, stale: Item | None) -> Put:
        """Return the write claiming ``pk`` (to join the change's transaction); it fails if claimed meanwhile."""
        return self._put(pk, {"fingerprint": fingerprint, "at": sortable_time(self.now())}, stale)

    def record(self, pk: str, fingerprint: str, response: Mapping[str, Any], stale: Item | None) -> bool:
        """Claim ``pk`` with its response at once (a request that committed nothing); False if claimed meanwhile."""
        data = {"fingerprint": fingerprint, "at": sortable_time(self.now()), "response": dict(response)}
        try:
            self.backend.transact([self._put(pk, data, stale)])
        except ConditionFailed:
            return False
        return True

    def complete(self, pk: str, response: Mapping[str, Any]) -> None:
        """Add the response to a claimed record, once (a concurrent completion wins)."""
        current = self.backend.get(pk, SORT_KEY)
        if current is None or "response" in current.data:
            return
        try:
            self.backend.transact([Put(current.bumped({**current.data, "response": dict(response)}), current.version)])
        except ConditionFailed:
            return

    def _put(self, pk: str, data: Mapping[str, Any], stale: Item | None) -> Put:
        expires = int((self.now() + timedelta(hours=REPLAY_HOURS)).timestamp())
        version = stale.version + 1 if stale is not None else 1
        item = Item(pk, SORT_KEY, dict(data), version, **expiry_keys(expires, pk, SORT_KEY))
        # A stale record is replaced only as it was read; a live one makes the write fail.
        return Put(item, stale.version if stale is not None else None)
