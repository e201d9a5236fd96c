"""Subscribers' watchlists and alert channels."""

from __future__ import annotations

import json
import secrets
from time import time_ns
from typing import Any

from functions.core.clock import isoformat
from functions.core.domain import subscribers
from functions.core.domain.subscribers import Subscriber
from functions.core.errors import FieldError, RuleNotMet, ValidationFailed
from functions.core.resources import Resources
from functions.core.store.base import sortable_time
from functions.core.usecases.reports.alerts import SECRET_OVERLAP, post_signed, subscriber_alert, webhook_secret
from functions.core.usecases.reports.webhooks import Resolver, UnsafeTarget, check_target, new_nonce, system_resolver


def watch(res: Resources, subscriber: Subscriber, siren: str) -> bool:
    """Add a company to the watchlist; return False when it was there already."""
    return res.store.watchlist.watch(subscriber.id, siren, f"subscriber:{subscriber.id}")


def unwatch(res: Resources, subscriber: Subscriber, siren: str) -> bool:
    """Remove a company from the watchlist; return False when it was not there."""
    return res.store.watchlist.unwatch(subscriber.id, siren, f"subscriber:{subscriber.id}")


def list_watched(res: Resources, subscriber: Subscriber, limit: int, cursor: str | None) -> dict[str, Any]:
    """Return one page of the watchlist."""
    try:
        items, next_cursor = res.store.watchlist.list_watched(subscriber.id, limit, cursor)
    except ValueError as exc:
        raise ValidationFailed("Curseur invalide.", [FieldError("cursor", "curseur_invalide", str(exc))]) from exc
    return {"items": items, "next_cursor": next_cursor}


def check_webhook_url(res: Resources, url: str, resolve: Resolver = system_resolver) -> str:
    """Return ``url`` when alerts may be sent there; 400 when malformed, 422 when refused (private address...)."""
    try:
        check_target(
            url,
            production=res.settings.is_production,
            allow_private=res.settings.webhook_allow_private,
            resolve=resolve,
        )
    except UnsafeTarget as exc:
        errors = [FieldError("url", exc.code, exc.message)]
        if exc.malformed:
            raise ValidationFailed("Adresse de webhook invalide.", errors) from exc
        raise RuleNotMet("Adresse de webhook refusée.", errors) from exc
    return url.strip()


def set_webhook(
    res: Resources, subscriber: Subscriber, url: str, resolve: Resolver = system_resolver
) -> tuple[Subscriber, str]:
    """Send alerts to a webhook from now on, under a new secret; return the subscriber and that secret.

    A secret already in use keeps signing beside the new one for ``SECRET_OVERLAP``
    (both signatures are sent), so that the receiver can switch without losing
    a delivery: calling this again is how a secret is rotated.
    """
    checked, nonce, now = check_webhook_url(res, url, resolve), new_nonce(), res.clock()
    updated = res.store.subscribers.update_subscriber(
        subscriber.id,
        "subscriber.webhook_set",
        f"subscriber:{subscriber.id}",
        lambda current: subscribers.webhook_set(current, checked, nonce, now=now, overlap=SECRET_OVERLAP),
    )
    return updated, webhook_secret(res, updated)


def clear_webhook(res: Resources, subscriber: Subscriber) -> Subscriber:
    """Send alerts by e-mail again (every secret stops signing)."""
    return res.store.subscribers.update_subscriber(
        subscriber.id, "subscriber.webhook_cleared", f"subscriber:{subscriber.id}", subscribers.webhook_cleared
    )


def list_deliveries(res: Resources, subscriber: Subscriber, limit: int = 50) -> list[dict[str, Any]]:
    """Return the subscriber's latest alert deliveries with their attempts, newest first (public references only)."""
    deliveries = res.store.alerts.list_deliveries(subscriber.id, limit)
    return [{**delivery, "alert": subscriber_alert(res, delivery["alert"])} for delivery in deliveries]


TEST_EVENT_TYPE = "webhook.test"


def send_test_event(res: Resources, subscriber: Subscriber, resolve: Resolver = system_resolver) -> dict[str, Any]:
    """POST a signed ``webhook.test`` event to the webhook, by the sender of real alerts; return its outcome.

    Never retried: the outcome is shown at once, and logged among the deliveries (``list_deliveries``),
    so that the log shows what the address answered. 422 without a webhook.
    """
    if not subscriber.webhook_url:
        raise RuleNotMet("Aucun webhook n'est enregistré : les alertes partent par e-mail.")
    now = res.clock()
    at = sortable_time(now)
    # Sorted by time as an alert's id is (``solvency._alert``): the log lists it in its place.
    event = {
        "id": f"{at}-{time_ns():020d}-test-{secrets.token_hex(4)}",
        "type": TEST_EVENT_TYPE,
        "at": at,
        "changes": [],
    }
    delivery_id = f"{subscriber.id}-{event['id']}"
    payload = {"delivery_id": delivery_id, "type": TEST_EVENT_TYPE, "timestamp": isoformat(now)}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    outcome = post_signed(res, subscriber, delivery_id, body, now=now, resolve=resolve)
    status = "delivered" if outcome["ok"] else "failed"
    res.store.alerts.log_test_event(subscriber.id, event, {"at": at, **outcome}, status=status)
    return outcome
