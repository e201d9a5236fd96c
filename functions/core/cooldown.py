"""One request per key and cooldown: the 429 both registrations (charter, directory) answer.

Each caller keeps the time of the last request where it belongs (the charter on
its pending link, the directory beside its members) and asks here whether a new
one may go: too soon is a ``429`` with ``Retry-After`` in seconds and a French
detail in minutes, the same everywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from functions.core.errors import QuotaExceeded


class TooSoon(QuotaExceeded):
    slug, title = "demande-trop-rapprochee", "Demande trop rapprochée"


def seconds_left(last: datetime | None, now: datetime, cooldown: timedelta) -> int:
    """Whole seconds until a request after ``last`` is allowed again (0: allowed now)."""
    if last is None or now - last >= cooldown:
        return 0
    return int((last + cooldown - now).total_seconds()) + 1


def too_soon(wait: int, lead: str) -> TooSoon:
    """The 429 to raise: ``lead`` is the French sentence before "dans N minute(s)"."""
    return TooSoon(f"{lead} dans {max(1, wait // 60)} minute(s).", headers={"Retry-After": str(wait)})


def refuse_if_too_soon(last: datetime | None, now: datetime, cooldown: timedelta, lead: str) -> None:
    """Raise :class:`TooSoon` when the previous request (at ``last``) is more recent than ``cooldown``."""
    wait = seconds_left(last, now, cooldown)
    if wait:
        raise too_soon(wait, lead)
