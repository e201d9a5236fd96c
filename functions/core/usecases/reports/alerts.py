"""Watchlist alerts: fan-out to watchers, then delivery by signed webhook or e-mail.

A webhook delivery is a JSON ``POST`` signed as the Standard Webhooks
specification says (``webhooks.py``)::

    webhook-id: msg_<32 hex digits, the same on every retry of one delivery>
    webhook-timestamp: <Unix seconds of the attempt>
    webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>"> [v1,<...under the previous secret>]

After ``PUT /webhook`` replaced a secret, the previous one signs too for
:data:`SECRET_OVERLAP`, so that a receiver switches without losing a delivery.
Until :data:`LEGACY_HEADERS_UNTIL` deliveries also carry the headers of
Ardoise's first scheme, for receivers set up before (under the current secret)::

    Ardoise-Delivery: <delivery id>
    Ardoise-Timestamp: <Unix seconds>
    Ardoise-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the secret's text>

A subscriber only ever sees reports by their public reference (``pub_…``),
in the webhook, the e-mail and the delivery log (:func:`subscriber_alert`).
An alert e-mail says what changed in French (a charter status, old and new)
and links to the summary page through a signed link (``summary_links.py``).

Any 2xx answer within the timeout counts as delivered; anything else (redirects
included: they are not followed) is retried with growing delays
(:data:`BACKOFF_SECONDS`), then abandoned. The URL's addresses are checked again
at each attempt and the POST goes to the checked address (``webhooks.py``).
An e-mail the mail service could not take now (SES throttling, a service
error, the network) is retried on the same schedule; one it refused (the
message or its address) fails at once (:data:`FINAL_ERRORS`).
Every attempt is logged on the delivery (``GET /deliveries``, with a stable
reason code, never a raw network error) and in the JSON logs.

A tick attempts up to :data:`WEBHOOK_WORKERS` deliveries at once and starts none
after :data:`DELIVERY_BUDGET_SECONDS`; one delivery that cannot be built (a name
an e-mail header refuses...) fails alone, the others go on.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from functions.core.clock import PARIS, parse_iso
from functions.core.domain.charter import CHARTER_STATUS_LABELS
from functions.core.domain.subscribers import Subscriber
from functions.core.french import format_eur
from functions.core.logs import get_logger
from functions.core.mailer import MailNotSent, Message
from functions.core.resources import Resources
from functions.core.store.base import sortable_time
from functions.core.store.items import Item
from functions.core.text import as_typed, one_line
from functions.core.usecases.reports.summary_links import LINK_VALIDITY, summary_link
from functions.core.usecases.reports.webhooks import (
    Resolver,
    UnsafeTarget,
    check_target,
    derive_secret,
    legacy_signature,
    message_id,
    post,
    standard_signature,
    system_resolver,
)

log = get_logger("alerts")

# Delay before each retry: 1 min, 5 min, 30 min, 2 h, 6 h; then the delivery is abandoned.
BACKOFF_SECONDS = (60, 300, 1800, 7200, 21600)
# A claimed delivery is retried after this long if its sender died mid-way.
LEASE = timedelta(minutes=5)
# Deliveries attempted at once: webhooks wait on the network, not on the CPU.
WEBHOOK_WORKERS = 8
# Each network operation (connect, send, one read) may take this long...
WEBHOOK_TIMEOUT_SECONDS = 3.0
# ...and a whole exchange this long, so that a receiver trickling bytes cannot hold a sender.
WEBHOOK_TOTAL_SECONDS = 6.0
# The tick stops starting deliveries after this long (its Lambda has 300 s for every step).
DELIVERY_BUDGET_SECONDS = 45.0
USER_AGENT = "Ardoise-Webhooks/1"
# Reasons another attempt would meet again: the delivery fails at once instead of
# waiting through the backoff (a revoked subscriber, an alert that cannot be
# built, an e-mail the mail service refused).
FINAL_ERRORS = frozenset({"abonne_revoque", "erreur_interne", "envoi_refuse"})

# A replaced secret goes on signing, beside the new one, for this long.
SECRET_OVERLAP = timedelta(hours=24)
# Deliveries carry the Ardoise-* headers of the first scheme until this moment (excluded).
LEGACY_HEADERS_UNTIL = datetime(2027, 7, 1, tzinfo=PARIS)

CHANGE_TEXT = {
    "report.published": "un nouveau signalement d'impayé a été publié",
    "report.settled": "un signalement publié a été réglé",
    "charter.changed": "son statut vis-à-vis de la charte a changé",
    "proceeding.opened": "une procédure collective a été ouverte",
    "proceeding.changed": "sa procédure collective a changé",
    "proceeding.closed": "sa procédure collective a pris fin",
}
# The Standard Webhooks ``type`` of a delivery: the strongest risk signal has its own.
EVENT_TYPE = "company.changed"
PROCEEDING_EVENT_TYPE = "company.proceeding_opened"


def event_type(alert: Mapping[str, Any]) -> str:
    """``company.proceeding_opened`` when the alert tells of a proceeding opening, else ``company.changed``."""
    opened = any(change["kind"] == "proceeding.opened" for change in alert["changes"])
    return PROCEEDING_EVENT_TYPE if opened else EVENT_TYPE


def webhook_secret(res: Resources, subscriber: Subscriber) -> str:
    """Return the subscriber's current webhook secret, derived from the platform key and a nonce."""
    return derive_secret(res.settings.secret_key, subscriber.id, subscriber.webhook_nonce)


def webhook_secrets(res: Resources, subscriber: Subscriber, now: datetime) -> list[str]:
    """Return the secrets that sign a delivery now: the current one, then the one it replaced while it overlaps."""
    found = [webhook_secret(res, subscriber)]
    previous, until = subscriber.webhook_previous_nonce, subscriber.webhook_previous_until
    if previous and until and now < parse_iso(until):
        found.append(derive_secret(res.settings.secret_key, subscriber.id, previous))
    return found


def signature_headers(
    secrets: Sequence[str], body: str, timestamp: int, delivery_id: str, *, legacy: bool
) -> dict[str, str]:
    """Return the headers that let a receiver check a webhook came from us, unchanged.

    ``secrets``: the current secret first; ``legacy``: add the Ardoise-* headers too.
    """
    msg_id = message_id(delivery_id)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(standard_signature(secret, msg_id, timestamp, body) for secret in secrets),
    }
    if legacy:
        headers["Ardoise-Delivery"] = delivery_id
        headers["Ardoise-Timestamp"] = str(timestamp)
        headers["Ardoise-Signature"] = legacy_signature(secrets[0], timestamp, body)
    return headers


def subscriber_alert(res: Resources, alert: Mapping[str, Any]) -> dict[str, Any]:
    """Return what a subscriber is shown of an alert: reports by their public reference only."""
    return {**alert, "changes": [_public_change(res, change) for change in alert["changes"]]}


def _public_change(res: Resources, change: Mapping[str, Any]) -> dict[str, Any]:
    if "report_id" not in change:
        return dict(change)
    # Raised before alerts named reports by reference: look the report's up, drop the id.
    shown = {key: value for key, value in change.items() if key != "report_id"}
    report = res.store.reports.get_report(change["report_id"])
    shown["reference"] = report.public_ref if report is not None else ""
    return shown


# -- fan-out ---------------------------------------------------------------------
def fan_out_alerts(res: Resources, limit: int = 100) -> int:
    """Turn each pending alert into one delivery per watcher (tick step); return the deliveries queued."""
    queued = 0
    for alert in res.store.alerts.list_alerts(limit):
        for subscriber_id in res.store.watchlist.iter_watchers(alert.data["siren"]):
            queued += res.store.alerts.add_delivery(alert.data, subscriber_id, res.clock())
        res.store.alerts.finish_alert(alert)
    return queued


# -- delivery --------------------------------------------------------------------
def deliver_alerts(
    res: Resources,
    *,
    limit: int = 100,
    budget_seconds: float = DELIVERY_BUDGET_SECONDS,
    resolve: Resolver = system_resolver,
) -> dict[str, int]:
    """Attempt the due deliveries, several at once, within a time budget (tick step).

    Return how many succeeded, will be retried, failed. Deliveries not started
    when the budget runs out stay due for the next tick.
    """
    deadline = time.monotonic() + budget_seconds
    counts = {"delivered": 0, "retrying": 0, "failed": 0}
    # Loaded when alerts are due, not at the reports function's cold start.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(WEBHOOK_WORKERS, thread_name_prefix="alerts") as pool:
        while time.monotonic() < deadline:
            due = res.store.alerts.list_due(res.clock(), limit)
            outcomes = list(pool.map(lambda item: _deliver_one(res, item, deadline, resolve), due))
            for status in filter(None, outcomes):
                counts[status] += 1
            if len(due) < limit or not any(outcomes):
                break
    return counts


def _deliver_one(res: Resources, due: Item, deadline: float, resolve: Resolver) -> str | None:
    """Claim and attempt one delivery; None when it was left for later or taken by another sender."""
    if time.monotonic() >= deadline:
        return None
    try:
        claimed = res.store.alerts.claim(due, res.clock() + LEASE)
        return _attempt(res, claimed, resolve) if claimed is not None else None
    except Exception:
        # The attempt could not be recorded: the delivery keeps its lease and is tried
        # again when the lease runs out; the other deliveries go on.
        log.exception("alert delivery not recorded", extra={"delivery": f"{due.pk}/{due.sk}"})
        return None


def _attempt(res: Resources, claimed: Item, resolve: Resolver) -> str:
    now = res.clock()
    try:
        outcome = _send(res, claimed, now, resolve)
    except Exception:
        # One bad record (a name an e-mail header refuses, a malformed alert) fails its
        # own delivery, for good: trying it again would fail the same way.
        log.exception("alert delivery failed", extra={"delivery": f"{claimed.pk}/{claimed.sk}"})
        outcome = {"ok": False, "channel": "none", "error": "erreur_interne"}
    attempts = len(claimed.data["attempts"]) + 1
    retry = not outcome["ok"] and outcome.get("error") not in FINAL_ERRORS and attempts <= len(BACKOFF_SECONDS)
    status = "delivered" if outcome["ok"] else ("retrying" if retry else "failed")
    retry_at = now + timedelta(seconds=BACKOFF_SECONDS[attempts - 1]) if retry else None
    res.store.alerts.record_attempt(claimed, {"at": sortable_time(now), **outcome}, status=status, retry_at=retry_at)
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


def _send(res: Resources, claimed: Item, now: datetime, resolve: Resolver) -> dict[str, Any]:
    subscriber = res.store.subscribers.get_subscriber(claimed.data["subscriber_id"])
    if subscriber is None or not subscriber.is_active:
        return {"ok": False, "channel": "none", "error": "abonne_revoque"}
    alert = subscriber_alert(res, claimed.data["alert"])
    if subscriber.webhook_url:
        return _send_webhook(res, subscriber, claimed, alert, now=now, resolve=resolve)
    return _send_email(res, subscriber, alert)


def webhook_body(alert: Mapping[str, Any], delivery_id: str) -> str:
    """Return the JSON a webhook receives (compact, UTF-8, keys in a stable order).

    ``timestamp`` is when the change happened (the Standard Webhooks payload
    field); the attempt's own time is the ``webhook-timestamp`` header.
    """
    payload = {"delivery_id": delivery_id, "type": event_type(alert), "timestamp": alert["at"], **alert}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _send_webhook(
    res: Resources, subscriber: Subscriber, claimed: Item, alert: Mapping[str, Any], *, now: datetime, resolve: Resolver
) -> dict[str, Any]:
    delivery_id = f"{subscriber.id}-{claimed.sk}"
    return post_signed(res, subscriber, delivery_id, webhook_body(alert, delivery_id), now=now, resolve=resolve)


def post_signed(
    res: Resources, subscriber: Subscriber, delivery_id: str, body: str, *, now: datetime, resolve: Resolver
) -> dict[str, Any]:
    """POST ``body`` to the subscriber's webhook, signed; return the outcome an attempt records.

    The one sender of webhooks: real deliveries and the test event of the settings page.
    """
    try:
        # Checked again at each delivery: the name may resolve elsewhere than when it was set.
        target = check_target(
            subscriber.webhook_url,
            production=res.settings.is_production,
            allow_private=res.settings.webhook_allow_private,
            resolve=resolve,
        )
    except UnsafeTarget as exc:
        return {"ok": False, "channel": "webhook", "error": exc.code}
    headers = signature_headers(
        webhook_secrets(res, subscriber, now),
        body,
        int(now.timestamp()),
        delivery_id,
        legacy=now < LEGACY_HEADERS_UNTIL,
    )
    try:
        status = post(
            target,
            body.encode(),
            headers,
            timeout=WEBHOOK_TIMEOUT_SECONDS,
            total_seconds=WEBHOOK_TOTAL_SECONDS,
        )
    except (OSError, http.client.HTTPException):
        # One generic reason: the exact error (refused, reset, TLS...) would tell a
        # subscriber about networks that are none of its business.
        return {"ok": False, "channel": "webhook", "error": "echec_reseau"}
    outcome: dict[str, Any] = {"ok": 200 <= status < 300, "channel": "webhook", "status_code": status}
    if 300 <= status < 400:
        outcome["error"] = "redirection_refusee"
    return outcome


def _change_text(change: Mapping[str, Any]) -> str:
    text = CHANGE_TEXT.get(change["kind"], change["kind"])
    if change["kind"] == "charter.changed":
        before = CHARTER_STATUS_LABELS.get(change["before"], change["before"])
        after = CHARTER_STATUS_LABELS.get(change["after"], change["after"])
        return f"{text} : désormais « {after} » (auparavant « {before} »)"
    if change["kind"].startswith("proceeding."):
        proceeding = change.get("proceeding")
        return f"{text} : {proceeding['text']}" if proceeding else text
    return f"{text} (référence {change['reference']})" if change.get("reference") else text


def alert_text(res: Resources, subscriber: Subscriber, alert: Mapping[str, Any]) -> str:
    """Return the French e-mail telling a subscriber what changed at a watched company."""
    siren = alert["siren"]
    company = f"{as_typed(alert['company_name'])} (SIREN {siren})" if alert["company_name"] else f"SIREN {siren}"
    summary = alert["summary"]
    index = summary["payment_index"] if summary["payment_index"] is not None else "données insuffisantes"
    charter = CHARTER_STATUS_LABELS.get(summary.get("charter", ""), "")
    lines = [
        "Bonjour,",
        "",
        f"Une entreprise de votre liste de surveillance a changé : {company}.",
        "",
        *(f"- {_change_text(change)}" for change in alert["changes"]),
        "",
        f"Indice de paiement : {index}",
        f"Signalements publiés non réglés : {summary['open_reports']} ({format_eur(summary['outstanding_cents'])})",
        *([f"Charte de paiement : {charter}"] if charter else []),
        *(
            [f"Procédure collective : {summary['collective_proceeding']}"]
            if summary.get("collective_proceeding")
            else []
        ),
        "",
        f"Synthèse complète, à ouvrir dans un navigateur (lien personnel, valable {LINK_VALIDITY.days} jours, "
        "décompté de votre quota comme toute synthèse servie) :",
        summary_link(res, subscriber, siren),
        "",
        f"Pour ne plus recevoir ces alertes, retirez l'entreprise de votre liste : DELETE /watchlist/{siren}.",
        "",
        "L'équipe Ardoise",
    ]
    return "\n".join(lines)


def _send_email(res: Resources, subscriber: Subscriber, alert: Mapping[str, Any]) -> dict[str, Any]:
    name = one_line(alert["company_name"]) or alert["siren"]
    text = alert_text(res, subscriber, alert)
    message = Message(to=subscriber.email, subject=f"Ardoise — changement chez {name}", text=text)
    try:
        message_id = res.mailer.send(message)
    except MailNotSent as exc:
        if exc.transient:
            # Throttled or unavailable: retried on the backoff schedule, as a network error.
            log.warning("alert e-mail not taken by the mail service", extra={"code": exc.code})
            return {"ok": False, "channel": "email", "error": "echec_envoi"}
        log.error("alert e-mail refused by the mail service", extra={"code": exc.code})
        return {"ok": False, "channel": "email", "error": "envoi_refuse"}
    except OSError:
        return {"ok": False, "channel": "email", "error": "echec_envoi"}
    return {"ok": True, "channel": "email", "message_id": message_id}
