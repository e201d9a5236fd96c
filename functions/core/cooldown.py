"""One request per key and cooldown: the 429 both registrations (charter, directory) answer.

Each caller keeps the time of the last request where it belongs (the charter on
its pending link and on the mailbox it went to, the directory beside its
members) and asks here whether a new one may go: too soon is a ``429`` with
``Retry-After`` in seconds and a French detail in minutes, the same everywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from functions.core.errors import QuotaExceeded

# Providers that deliver "j.doe", "jdoe" and "J.Doe" to the same inbox.
_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox_of(email: str) -> str:
    """Return the inbox an address reaches, so that a cooldown per address cannot be dodged.

    Case is ignored, a ``+tag`` is dropped (``claire+1@`` and ``claire+2@`` reach
    ``claire@``), and so are dots at the providers that ignore them. Two
    addresses that meet here wait for each other, which costs at most a delay.
    """
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.partition("+")[0]
    if domain in _DOTLESS_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


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
