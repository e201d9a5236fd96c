"""Signing in to the web spaces without a password: the e-mailed one-time link and the session it opens.

    link issued (15 minutes) -> used once -> session open -> idle past 30 minutes,
    older than 12 hours, signed out, or its principal revoked -> closed

A member (creditor), a moderator or a subscriber asks for a link with its
e-mail address; at most :data:`LINKS_PER_HOUR` links go out per hour to one
inbox and, for members, per company (SIREN). The link is single use; what it
opens is a session whose cookie the browser keeps. Only digests of the link's
and the session's tokens are stored (``store/sessions.py``). A session is only
as good as its principal: every request reads the principal again, so revoking
a member, a moderator or a subscriber ends its sessions at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class PrincipalKind(StrEnum):
    """Who a session is for; each kind has its own space (``/espace/``, ``/moderation/``, ``/abonne/``)."""

    MEMBER = "member"
    MODERATOR = "moderator"
    SUBSCRIBER = "subscriber"


LINK_LIFETIME = timedelta(minutes=15)
LINKS_PER_HOUR = 5  # per inbox, and per company for members
IDLE_TIMEOUT = timedelta(minutes=30)
LONGEST_SESSION = timedelta(hours=12)
# A session's last activity is written at most this often (each page would otherwise write).
TOUCH_EVERY = timedelta(minutes=1)


class LinkState(StrEnum):
    USABLE = "usable"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class SignInLink:
    """What a one-time sign-in token opens: one principal's session, once, until ``expires_at``."""

    kind: PrincipalKind
    principal_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    version: int = 0

    def state(self, now: datetime) -> LinkState:
        if self.used_at is not None:
            return LinkState.USED
        return LinkState.EXPIRED if now >= self.expires_at else LinkState.USABLE


def link_issued(kind: PrincipalKind, principal_id: str, now: datetime) -> SignInLink:
    """A new link for ``principal_id``, usable for :data:`LINK_LIFETIME`."""
    return SignInLink(kind, principal_id, now, now + LINK_LIFETIME)


def link_used(link: SignInLink, now: datetime) -> SignInLink:
    """The link, spent; a link used or expired cannot be used (ValueError: the caller says why to the person)."""
    if link.state(now) is not LinkState.USABLE:
        raise ValueError(f"sign-in link is {link.state(now).value}")
    return replace(link, used_at=now)


@dataclass(frozen=True)
class Session:
    """A signed-in browser: for one principal, open while active and young enough."""

    kind: PrincipalKind
    principal_id: str
    started_at: datetime
    last_seen_at: datetime
    version: int = 0

    def ends_at(self) -> datetime:
        """When the session closes unless used again (idle timeout), and at the latest."""
        return min(self.last_seen_at + IDLE_TIMEOUT, self.started_at + LONGEST_SESSION)

    def is_open(self, now: datetime) -> bool:
        return now < self.ends_at()


def session_started(kind: PrincipalKind, principal_id: str, now: datetime) -> Session:
    """A session opened now (by a sign-in link, or by confirming one's address when signing up)."""
    return Session(kind, principal_id, now, now)


def session_touched(session: Session, now: datetime) -> Session:
    """The session used now: its idle timeout starts again (unchanged when used less than a minute ago)."""
    if now - session.last_seen_at < TOUCH_EVERY:
        return session
    return replace(session, last_seen_at=now)


def rate_window(now: datetime) -> str:
    """The hour a link request counts in (UTC), such as ``2026-12-03T12``."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H")


def window_end(now: datetime) -> datetime:
    """When the hour of ``now`` ends: a request refused now may go again then."""
    start = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return start + timedelta(hours=1)
