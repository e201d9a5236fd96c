"""Subscribers' use cases: keys, plans, authentication and monthly quotas."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from functions.core.clock import PARIS
from functions.core.domain import subscribers
from functions.core.domain.subscribers import Subscriber
from functions.core.errors import FieldError, QuotaExceeded, Unauthorized, ValidationFailed
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.store import LimitReached
from functions.core.validation import Email, SingleLine

log = get_logger("subscribers")


@cache
def _adapter(shape: Any) -> TypeAdapter[str]:
    # Built when an operator first creates a subscriber, not at the reports function's cold start.
    return TypeAdapter(shape)


MISSING_KEY = "Clé d'API manquante : envoyez-la dans l'en-tête X-API-Key."
BAD_KEY = "Clé d'API inconnue ou révoquée."


def quotas(res: Resources) -> dict[str, int]:
    """Return the configured plans and their monthly quotas of summaries."""
    return dict(res.settings.plans)


def check_plan(res: Resources, plan: str) -> str:
    """Return ``plan`` when it is configured; raise a 400 naming the known plans otherwise."""
    if plan not in quotas(res):
        known = ", ".join(quotas(res))
        raise ValidationFailed(
            f"Formule inconnue ; formules : {known}.", [FieldError("plan", "formule_inconnue", known)]
        )
    return plan


def create_subscriber(res: Resources, *, name: str, email: str, plan: str, actor: str) -> tuple[Subscriber, str]:
    """Create a subscriber on a plan; return it with its API key, which is shown only now."""
    check_plan(res, plan)
    name = name.strip()
    if not name:
        raise ValidationFailed("Le nom est obligatoire.", [FieldError("name", "missing", "Ce champ est obligatoire.")])
    try:
        _adapter(SingleLine).validate_python(name)
    except ValidationError as exc:
        message = "Le nom doit tenir sur une ligne, sans caractère de contrôle."
        raise ValidationFailed(message, [FieldError("name", "texte_invalide", message)]) from exc
    try:
        email = _adapter(Email).validate_python(email.strip())
    except ValidationError as exc:
        message = "Adresse e-mail invalide."
        raise ValidationFailed(message, [FieldError("email", "email_invalide", message)]) from exc
    return res.store.subscribers.create_subscriber(name=name, email=email, plan=plan, actor=actor)


def revoke_subscriber(res: Resources, subscriber_id: str, *, actor: str) -> Subscriber:
    """Revoke a subscriber's key at once; raise SubscriberNotFound for an unknown id."""
    return res.store.subscribers.update_subscriber(subscriber_id, "subscriber.revoked", actor, subscribers.revoked)


def change_plan(res: Resources, subscriber_id: str, plan: str, *, actor: str) -> Subscriber:
    """Move a subscriber to a known plan; raise SubscriberNotFound for an unknown id."""
    check_plan(res, plan)
    return res.store.subscribers.update_subscriber(
        subscriber_id, "subscriber.plan_changed", actor, lambda current: subscribers.on_plan(current, plan)
    )


def authenticate(res: Resources, key: str | None) -> Subscriber:
    """Return the active subscriber holding ``key``; raise 401 when missing, wrong or revoked."""
    if not key:
        raise Unauthorized(MISSING_KEY, headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
    subscriber = res.store.subscribers.authenticate(key)
    if subscriber is None:
        raise Unauthorized(BAD_KEY, headers={"WWW-Authenticate": 'ApiKey header="X-API-Key"'})
    return subscriber


def month_of(now: datetime) -> str:
    """Return the quota month (French calendar) that ``now`` falls in, as ``YYYY-MM``."""
    return now.astimezone(PARIS).strftime("%Y-%m")


def next_month_start(now: datetime) -> datetime:
    """Return the moment the next quota month starts (midnight in Paris on the 1st)."""
    local = now.astimezone(PARIS)
    first = (local.replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime.combine(first.date(), time(0), PARIS)


def count_summaries(res: Resources, subscriber: Subscriber, amount: int) -> int:
    """Count ``amount`` summaries against the month's quota; raise 429 when they do not fit.

    A single-summary call is counted by this counter alone (one atomic write per
    call keeps ``GET /solvency`` fast); every other call also goes through
    :func:`count_call`.
    """
    now = res.clock()
    quota = quotas(res).get(subscriber.plan, 0)
    month = month_of(now)
    if amount == 0:
        return res.store.subscribers.get_usage(subscriber.id, month)["summaries"]
    try:
        return res.store.subscribers.count_summaries(subscriber.id, month, amount, quota)
    except LimitReached as exc:
        used = res.store.subscribers.get_usage(subscriber.id, month)["summaries"]
        retry_after = max(1, int((next_month_start(now) - now).total_seconds()))
        log.info("quota reached", extra={"subscriber": subscriber.id, "plan": subscriber.plan, "asked": amount})
        raise QuotaExceeded(
            f"Quota mensuel atteint : {used} synthèses sur {quota} (formule {subscriber.plan}) ; "
            f"cette demande en compte {amount}.",
            extra={"plan": subscriber.plan, "quota": quota, "used": used, "requested": amount},
            headers={"Retry-After": str(retry_after)},
        ) from exc


def count_call(res: Resources, subscriber: Subscriber) -> None:
    """Count a call that is not a single-summary ``GET`` (batches, watchlist, usage...)."""
    res.store.subscribers.count_call(subscriber.id, month_of(res.clock()))


def usage(res: Resources, subscriber: Subscriber) -> dict[str, Any]:
    """Return the month's use against the plan's quota."""
    now = res.clock()
    month = month_of(now)
    counters = res.store.subscribers.get_usage(subscriber.id, month)
    quota = quotas(res).get(subscriber.plan, 0)
    return {
        "month": month,
        "plan": subscriber.plan,
        "quota": quota,
        "summaries": counters["summaries"],
        "remaining": max(0, quota - counters["summaries"]),
        "calls": counters["calls"],
        "resets_at": next_month_start(now).isoformat(),
    }
