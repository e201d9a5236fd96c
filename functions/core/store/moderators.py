"""Moderators as stored, each with a hashed token (their life is ``domain/moderators.py``'s, decided by the use cases).

- ``MODERATOR#{id}`` / ``PROFILE``; ``gsi2`` ``MODERATORS`` / ``{id}`` lists them.
- ``MODTOKEN#{digest}``: which moderator a token opens (deleted on revocation).
"""

from __future__ import annotations

from dataclasses import replace

from functions.core.domain.moderators import Moderator
from functions.core.store.base import AuditEvent, Repository
from functions.core.store.codec import from_item, to_data
from functions.core.store.items import Delete, Item, Put, Write
from functions.core.tokens import hash_token, same_digest


def _item(moderator: Moderator, version: int) -> Item:
    return Item(
        f"MODERATOR#{moderator.id}", "PROFILE", to_data(moderator), version, gsi2pk="MODERATORS", gsi2sk=moderator.id
    )


class Moderators(Repository):
    """Read moderators, and write their appointment and each transition, audited."""

    def create(self, moderator: Moderator, actor: str) -> Moderator:
        """Store a new moderator holding a token digest, and that token's pointer."""
        event = self._event(moderator, "moderator.created", actor, after=moderator.audit())
        pointer = Item(f"MODTOKEN#{moderator.token_digest}", "TOKEN", {"moderator_id": moderator.id})
        self.store.commit([Put(_item(moderator, 1), None), Put(pointer, None)], [event])
        return replace(moderator, version=1)

    def get_moderator(self, moderator_id: str) -> Moderator | None:
        item = self.backend.get(f"MODERATOR#{moderator_id}", "PROFILE")
        return from_item(Moderator, item) if item else None

    def list_moderators(self) -> list[Moderator]:
        return [from_item(Moderator, item) for item in self.backend.query("MODERATORS", index="gsi2").items]

    def find_by_token(self, token: str) -> Moderator | None:
        """Return the moderator holding this token's digest, or None (no state is checked here)."""
        pointer = self.backend.get(f"MODTOKEN#{hash_token(token)}", "TOKEN")
        if pointer is None:
            return None
        moderator = self.get_moderator(pointer.data["moderator_id"])
        return moderator if moderator is not None and same_digest(token, moderator.token_digest) else None

    def save(self, before: Moderator, after: Moderator, action: str, actor: str) -> Moderator:
        """Write a transition with its audit event; the token pointer goes with a digest the moderator lost."""
        changes: list[Write] = [Put(_item(after, before.version + 1), before.version)]
        if before.token_digest and after.token_digest != before.token_digest:
            changes.append(Delete(f"MODTOKEN#{before.token_digest}", "TOKEN", unconditional=True))
        event = self._event(before, action, actor, before=before.audit(), after=after.audit())
        self.store.commit(changes, [event])
        return replace(after, version=before.version + 1)

    def _event(self, moderator: Moderator, action: str, actor: str, **changes: object) -> AuditEvent:
        return self.store.event(f"moderator:{moderator.id}", f"moderator:{moderator.id}", action, actor, **changes)
