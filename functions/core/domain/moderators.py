"""A moderator's life: appointed with a token, active until revoked (pure functions returning the next value).

Moderators decide disputes, members' approvals and charter claims; the store
persists what these functions return (``store/moderators.py``), and keeps a
token's pointer exactly while the moderator holds its digest.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Moderator:
    """A person who decides disputes, approvals and claims, with a hashed token."""

    id: str
    name: str
    email: str
    created_at: datetime
    active: bool = True
    token_digest: str = ""
    version: int = 0

    def audit(self) -> dict[str, Any]:
        """Identifier and state only (no name or e-mail in the audit log)."""
        return {"id": self.id, "active": self.active}


def appointed(moderator_id: str, *, name: str, email: str, now: datetime) -> Moderator:
    """A new moderator, active once its token is issued."""
    return Moderator(id=moderator_id, name=name, email=email, created_at=now)


def with_token(moderator: Moderator, token_digest: str) -> Moderator:
    """The moderator holding the token of this digest."""
    return replace(moderator, token_digest=token_digest)


def revoked(moderator: Moderator) -> Moderator:
    """The moderator's token stops working (its digest forgotten); revoking it again changes nothing."""
    return replace(moderator, active=False, token_digest="")


def may_moderate(moderator: Moderator) -> bool:
    """Whether the moderator's token opens the moderation routes."""
    return moderator.active
