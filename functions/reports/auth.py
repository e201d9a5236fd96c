"""Who is calling: a subscriber's API key (``X-API-Key``), and counting the call."""

from __future__ import annotations

from flask import request

from functions.core.domain.subscribers import Subscriber
from functions.core.http import resources
from functions.core.usecases.reports import subscribers


def current_subscriber() -> Subscriber:
    """Return the active subscriber calling (401 when the key is missing, wrong or revoked)."""
    return subscribers.authenticate(resources(), request.headers.get("X-API-Key"))


def counted_subscriber() -> Subscriber:
    """Return the subscriber calling, this call counted (every route but single summaries, which the quota counts)."""
    subscriber = current_subscriber()
    subscribers.count_call(resources(), subscriber)
    return subscriber
