"""Moderators as stored, each with a hashed token (their life is ``domain/moderators.py``'s).

- ``MODERATOR#{id}`` / ``PROFILE``; ``gsi2`` ``MODERATORS`` / ``{id}`` lists them.
- ``MODTOKEN#{digest}``: which moderator a token opens (deleted on revocation).
"""

from __future__ import annotations

from dataclasses import replace

from functions.core.domain import moderators
from functions.core.domain.moderators import Moderator
from functions.core.store.base import AuditEvent, Repository
from functions.core.store.codec import from_item, to_data
from functions.core.store.items import Delete, Item, Put
from functions.core.tokens import hash_token, same_digest


def _item(moderator: Moderator, version: int) -> Item:
    return Item(
        f"MODERATOR#{moderator.id}", "PROFILE", to_data(moderator), version, gsi2pk="MODERATORS", gsi2sk=moderator.id
    )


class Moderators(Repository):
    """Create, authenticate, list and revoke moderators."""

    def create(self, moderator: Moderator, token: str, actor: str) -> Moderator:
        stored = moderators.with_token(moderator, hash_token(token))
        event = self._event(stored, "moderator.created", actor, after=stored.audit())
        self.store.commit(
            [
                Put(_item(stored, 1), None),
                Put(Item(f"MODTOKEN#{stored.token_digest}", "TOKEN", {"moderator_id": moderator.id}), None),
            ],
            [event],
        )
        return replace(stored, version=1)

    def get_moderator(self, moderator_id: str) -> Moderator | None:
        item = self.backend.get(f"MODERATOR#{moderator_id}", "PROFILE")
        return from_item(Moderator, item) if item else None

    def list_moderators(self) -> list[Moderator]:
        return [from_item(Moderator, item) for item in self.backend.query("MODERATORS", index="gsi2").items]

    def authenticate(self, token: str) -> Moderator | None:
        pointer = self.backend.get(f"MODTOKEN#{hash_token(token)}", "TOKEN")
        if pointer is None:
            return None
        moderator = self.get_moderator(pointer.data["moderator_id"])
        if moderator is None or not moderator.active:
            return None
        return moderator if same_digest(token, moderator.token_digest) else None

    def revoke(self, moderator: Moderator, actor: str) -> Moderator:
        """Revoke a moderator: its token stops working at once (nothing is written when it was revoked already)."""
        revoked = moderators.revoked(moderator)
        if revoked == moderator:
            return moderator
        event = self._event(moderator, "moderator.revoked", actor, before=moderator.audit(), after=revoked.audit())
        self.store.commit(
            [
                Put(_item(revoked, moderator.version + 1), moderator.version),
                Delete(f"MODTOKEN#{moderator.token_digest}", "TOKEN", unconditional=True),
            ],
            [event],
        )
        return replace(revoked, version=moderator.version + 1)

    def _event(self, moderator: Moderator, action: str, actor: str, **changes: object) -> AuditEvent:
        return self.store.event(f"moderator:{moderator.id}", f"moderator:{moderator.id}", action, actor, **changes)
