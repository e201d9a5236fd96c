"""Watchlist alerts: fan-out to watchers, then delivery by signed webhook or e-mail.

A webhook delivery is a JSON ``POST`` with three headers::

    Ardoise-Delivery: <delivery id>
    Ardoise-Timestamp: <Unix seconds>
    Ardoise-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" under the webhook secret>

Any 2xx answer within the timeout counts as delivered; anything else is retried
with growing delays (:data:`BACKOFF_SECONDS`), then abandoned. Every attempt is
logged on the delivery (``GET /deliveries``) and in the JSON logs.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from functions.core.context import Services
from functions.core.logs import get_logger
from functions.core.mailer import Message
from functions.core.money import format_eur
from functions.core.store.base import sortable_time
from functions.core.store.items import Item
from functions.core.store.subscribers import Subscriber
from functions.core.tokens import sign

log = get_logger("alerts")

# Delay before each retry: 1 min, 5 min, 30 min, 2 h, 6 h; then the delivery is abandoned.
BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)
# A claimed delivery is retried after this long if its sender died mid-way.
LEASE = timedelta(minutes=5)
WEBHOOK_TIMEOUT_SECONDS = 5.0
USER_AGENT = "Ardoise-Webhooks/1"

CHANGE_TEXT = {
    "report.published": "un nouveau signalement d'impayé a été publié",
    "report.settled": "un signalement publié a été réglé",
    "charter.changed": "son statut vis-à-vis de la charte a changé",
}


def webhook_secret(ctx: Services, subscriber: Subscriber) -> str:
    """Return the subscriber's webhook secret, derived from the platform key and a nonce."""
    return "whsec_" + sign(ctx.settings.secret_key, f"webhook:{subscriber.id}:{subscriber.webhook_nonce}")


def signature_headers(secret: str, body: str, timestamp: int, delivery_id: str) -> dict[str, str]:
    """Return the headers that let a receiver check a webhook came from us, unchanged."""
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Ardoise-Delivery": delivery_id,
        "Ardoise-Timestamp": str(timestamp),
        "Ardoise-Signature": f"v1={sign(secret, f'{timestamp}.{body}')}",
    }


def new_webhook_nonce() -> str:
    return secrets.token_hex(8)


# -- fan-out ---------------------------------------------------------------------
def fan_out_alerts(ctx: Services, limit: int = 100) -> int:
    """Turn each pending alert into one delivery per watcher (tick step); return the deliveries queued."""
    queued = 0
    for alert in ctx.store.alerts.list_alerts(limit):
        for subscriber_id in ctx.store.watchlist.iter_watchers(alert.data["siren"]):
            queued += ctx.store.alerts.add_delivery(alert.data, subscriber_id, ctx.clock())
        ctx.store.alerts.finish_alert(alert)
    return queued


# -- delivery --------------------------------------------------------------------
def deliver_alerts(ctx: Services, limit: int = 100) -> dict[str, int]:
    """Attempt every due delivery once (tick step); return how many succeeded, will retry, failed."""
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    for due in ctx.store.alerts.list_due(ctx.clock(), limit):
        claimed = ctx.store.alerts.claim(due, ctx.clock() + LEASE)
        if claimed is not None:
            counts[_attempt(ctx, claimed)] += 1
    return counts


def _attempt(ctx: Services, claimed: Item) -> str:
    subscriber = ctx.store.subscribers.get_subscriber(claimed.data["subscriber_id"])
    now = ctx.clock()
    if subscriber is None or not subscriber.is_active:
        outcome: dict[str, Any] = {"ok": False, "channel": "none", "error": "subscriber revoked"}
    elif subscriber.webhook_url:
        outcome = _send_webhook(ctx, subscriber, claimed, now)
    else:
        outcome = _send_email(ctx, subscriber, claimed.data["alert"])
    attempts = len(claimed.data["attempts"]) + 1
    retry = not outcome["ok"] and outcome["channel"] != "none" and attempts <= len(BACKOFF_SECONDS)
    status = "delivered" if outcome["ok"] else ("retrying" if retry else "failed")
    retry_at = now + timedelta(seconds=BACKOFF_SECONDS[attempts - 1]) if retry else None
    ctx.store.alerts.record_attempt(claimed, {"at": sortable_time(now), **outcome}, status=status, retry_at=retry_at)
    log.info(
        "alert delivery",
        extra={
            "delivery": f"{claimed.data['subscriber_id']}/{claimed.sk}",
            "status": status,
            "attempt": attempts,
            **outcome,
        },
    )
    return status


def webhook_body(alert: dict[str, Any], delivery_id: str) -> str:
    """Return the JSON a webhook receives (compact, UTF-8, keys in a stable order)."""
    payload = {"delivery_id": delivery_id, "type": "company.changed", **alert}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _send_webhook(ctx: Services, subscriber: Subscriber, claimed: Item, now: datetime) -> dict[str, Any]:
    delivery_id = f"{subscriber.id}-{claimed.sk}"
    body = webhook_body(claimed.data["alert"], delivery_id)
    headers = signature_headers(webhook_secret(ctx, subscriber), body, int(now.timestamp()), delivery_id)
    request = urllib.request.Request(subscriber.webhook_url, data=body.encode(), headers=headers, method="POST")  # noqa: S310 - the URL was checked to be http(s) when set
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 - same
            return {"ok": 200 <= response.status < 300, "channel": "webhook", "status_code": response.status}
    except urllib.error.HTTPError as exc:
        return {"ok": False, "channel": "webhook", "status_code": exc.code}
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return {"ok": False, "channel": "webhook", "error": type(exc).__name__}


def alert_text(ctx: Services, alert: dict[str, Any]) -> str:
    """Return the French e-mail telling a subscriber what changed at a watched company."""
    name = alert["company_name"] or alert["siren"]
    summary = alert["summary"]
    index = summary["payment_index"] if summary["payment_index"] is not None else "données insuffisantes"
    lines = [
        "Bonjour,",
        "",
        f"Une entreprise de votre liste de surveillance a changé : {name} (SIREN {alert['siren']}).",
        "",
        *(f"- {CHANGE_TEXT.get(c['kind'], c['kind'])}" for c in alert["changes"]),
        "",
        f"Indice de paiement : {index}",
        f"Signalements publiés non réglés : {summary['open_reports']} ({format_eur(summary['outstanding_cents'])})",
        "",
        f"Synthèse complète : {ctx.settings.base_url}/api/reports/solvency/{alert['siren']}?format=html",
        "(avec votre clé d'API dans l'en-tête X-API-Key)",
        "",
        f"Pour ne plus recevoir ces alertes, retirez l'entreprise de votre liste : DELETE /watchlist/{alert['siren']}.",
        "",
        "L'équipe Ardoise",
    ]
    return "\n".join(lines)


def _send_email(ctx: Services, subscriber: Subscriber, alert: dict[str, Any]) -> dict[str, Any]:
    name = alert["company_name"] or alert["siren"]
    message = Message(to=subscriber.email, subject=f"Ardoise — changement chez {name}", text=alert_text(ctx, alert))
    try:
        message_id = ctx.mailer.send(message)
    except OSError as exc:
        return {"ok": False, "channel": "email", "error": type(exc).__name__}
    return {"ok": True, "channel": "email", "message_id": message_id}
