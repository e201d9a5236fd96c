"""Watchlist alerts and their deliveries, each delivery logged with its attempts.

An alert (``ALERT#<id>``, queue ``ALERTS``) is written with the summary change
that raised it; the fan-out turns it into one delivery per watcher
(``DELIVERY#<subscriber>`` / ``<alert id>``: the same alert never yields two
deliveries to one subscriber) and deletes it. A pending delivery sits on the
``DELIVERIES`` queue ordered by its next attempt; a sender claims it by moving
that time forward (a lease, version-checked), so two ticks never send it twice
at once. Delivered or abandoned deliveries leave the queue and stay as a log,
with the test events sent from the settings page (their id sorts by time as an
alert's does, so the log stays newest first).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from functions.core.store.base import Repository, sortable_time
from functions.core.store.items import ConditionFailed, Delete, Item, Put
from functions.core.store.summaries import ALERT_QUEUE

DELIVERY_QUEUE = "DELIVERIES"
# Delivery logs are kept this long, then expire.
LOG_SECONDS = 90 * 24 * 3600


class Alerts(Repository):
    """Fan alerts out to watchers; queue, claim and log their deliveries."""

    def list_alerts(self, limit: int = 100) -> list[Item]:
        return self.backend.query(ALERT_QUEUE, index="gsi1", limit=limit).items

    def add_delivery(self, alert: Mapping[str, Any], subscriber_id: str, due: datetime) -> bool:
        """Queue the delivery of ``alert`` to one subscriber; False if it was queued before."""
        data = {"alert": dict(alert), "subscriber_id": subscriber_id, "status": "pending", "attempts": []}
        item = Item(
            f"DELIVERY#{subscriber_id}",
            alert["id"],
            data,
            gsi1pk=DELIVERY_QUEUE,
            gsi1sk=f"{sortable_time(due)}#{subscriber_id}#{alert['id']}",
        )
        try:
            self.backend.transact([Put(item, None)])
        except ConditionFailed:
            return False
        return True

    def finish_alert(self, alert: Item) -> None:
        """Drop an alert once every watcher has its delivery."""
        self.backend.transact([Delete(alert.pk, alert.sk, alert.version)])

    def list_due(self, now: datetime, limit: int = 100) -> list[Item]:
        """Return deliveries whose next attempt is due, oldest first."""
        return self.backend.query(DELIVERY_QUEUE, index="gsi1", sk_to=f"{sortable_time(now)}#~", limit=limit).items

    def claim(self, delivery: Item, lease_until: datetime) -> Item | None:
        """Take a delivery for one attempt; None when another sender took it first."""
        subscriber_id, alert_id = delivery.data["subscriber_id"], delivery.sk
        claimed = delivery.bumped(delivery.data, gsi1sk=f"{sortable_time(lease_until)}#{subscriber_id}#{alert_id}")
        try:
            self.backend.transact([Put(claimed, delivery.version)])
        except ConditionFailed:
            return None
        return claimed

    def record_attempt(
        self, claimed: Item, attempt: Mapping[str, Any], *, status: str, retry_at: datetime | None
    ) -> Item:
        """Log one attempt; keep the delivery queued for ``retry_at`` or take it off the queue."""
        data = {**claimed.data, "status": status, "attempts": [*claimed.data["attempts"], dict(attempt)]}
        if retry_at is not None:
            keys: dict[str, Any] = {"gsi1sk": f"{sortable_time(retry_at)}#{data['subscriber_id']}#{claimed.sk}"}
        else:
            keys = {"gsi1pk": None, "gsi1sk": None, "expires_at": int(self.now().timestamp()) + LOG_SECONDS}
        updated = claimed.bumped(data, **keys)
        self.backend.transact([Put(updated, claimed.version)])
        return updated

    def log_test_event(
        self, subscriber_id: str, event: Mapping[str, Any], attempt: Mapping[str, Any], *, status: str
    ) -> None:
        """Log a test event as a delivery already attempted, beside the alerts' (never queued, never retried)."""
        data = {"alert": dict(event), "subscriber_id": subscriber_id, "status": status, "attempts": [dict(attempt)]}
        expires_at = int(self.now().timestamp()) + LOG_SECONDS
        self.backend.transact([Put(Item(f"DELIVERY#{subscriber_id}", event["id"], data, expires_at=expires_at), None)])

    def list_deliveries(self, subscriber_id: str, limit: int = 50) -> list[dict[str, Any]]:
        """Return a subscriber's latest deliveries, newest first (the delivery log)."""
        page = self.backend.query(f"DELIVERY#{subscriber_id}", limit=limit, descending=True)
        return [dict(item.data) for item in page.items]
