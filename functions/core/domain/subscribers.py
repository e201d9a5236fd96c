"""A subscriber's life (a paying user of the solvency summaries): pure functions returning the next subscriber.

    active -> revoked;  on a plan, moved to another;  alerts by e-mail, or to a webhook
    under a secret that a new one replaces (the old one keeps signing for a while).

A key reads ``ard_sub_<id>_<secret>``: the id finds the subscriber in one read,
then the key's digest is compared with the stored one. The store persists what
these functions return (``store/subscribers.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from functions.core.clock import isoformat

KEY_PREFIX = "ard_sub_"
ACTIVE, REVOKED = "active", "revoked"


@dataclass(frozen=True)
class Subscriber:
    """A paying user of the solvency summaries."""

    id: str
    name: str
    email: str
    plan: str
    key_digest: str
    created_at: str
    status: str = ACTIVE  # active | revoked
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
        return self.status == ACTIVE

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


def revoked(subscriber: Subscriber) -> Subscriber:
    """The subscriber's key stops working at once."""
    return replace(subscriber, status=REVOKED)


def on_plan(subscriber: Subscriber, plan: str) -> Subscriber:
    """The subscriber moves to another plan (its quota applies to this month's count)."""
    return replace(subscriber, plan=plan)


def webhook_set(subscriber: Subscriber, url: str, nonce: str, *, now: datetime, overlap: timedelta) -> Subscriber:
    """Alerts go to ``url`` under a new secret; a secret in use keeps signing beside it for ``overlap``."""
    previous, until = "", ""
    if subscriber.webhook_nonce:
        previous, until = subscriber.webhook_nonce, isoformat(now + overlap)
    return replace(
        subscriber,
        webhook_url=url,
        webhook_nonce=nonce,
        webhook_previous_nonce=previous,
        webhook_previous_until=until,
    )


def webhook_cleared(subscriber: Subscriber) -> Subscriber:
    """Alerts go by e-mail again: every secret stops signing."""
    return replace(subscriber, webhook_url="", webhook_nonce="", webhook_previous_nonce="", webhook_previous_until="")
