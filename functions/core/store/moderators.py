"""Moderators: people who decide disputes, each with a hashed token.

- ``MODERATOR#{id}`` / ``PROFILE``; ``gsi2`` ``MODERATORS`` / ``{id}`` lists them.
- ``MODTOKEN#{digest}``: which moderator a token opens (deleted on revocation).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from functions.core.store.base import Repository
from functions.core.store.items import Delete, Item, Put
from functions.core.tokens import hash_token, same_digest


@dataclass(frozen=True)
class Moderator:
    id: str
    name: str
    email: str
    created_at: datetime
    active: bool = True
    token_digest: str = ""
    version: int = 0

    def to_data(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        data["created_at"] = self.created_at.isoformat()
        return data

    @classmethod
    def from_item(cls, item: Item) -> Moderator:
        data = dict(item.data)
        data["created_at"] = datetime.fromisoformat(data["created_at"])
        return cls(**data, version=item.version)


def _item(moderator: Moderator, version: int) -> Item:
    return Item(
        f"MODERATOR#{moderator.id}", "PROFILE", moderator.to_data(), version, gsi2pk="MODERATORS", gsi2sk=moderator.id
    )


class Moderators(Repository):
    """Create, authenticate, list and revoke moderators."""

    def create(self, moderator: Moderator, token: str, actor: str) -> Moderator:
        digest = hash_token(token)
        stored = replace(moderator, token_digest=digest)
        event = self.store.event(
            f"moderator:{moderator.id}",
            f"moderator:{moderator.id}",
            "moderator.created",
            actor,
            after={"id": moderator.id, "active": True},
        )
        self.store.commit(
            [
                Put(_item(stored, 1), None),
                Put(Item(f"MODTOKEN#{digest}", "TOKEN", {"moderator_id": moderator.id}), None),
            ],
            [event],
        )
        return replace(stored, version=1)

    def get_moderator(self, moderator_id: str) -> Moderator | None:
        item = self.backend.get(f"MODERATOR#{moderator_id}", "PROFILE")
        return Moderator.from_item(item) if item else None

    def list_moderators(self) -> list[Moderator]:
        return [Moderator.from_item(item) for item in self.backend.query("MODERATORS", index="gsi2").items]

    def authenticate(self, token: str) -> Moderator | None:
        pointer = self.backend.get(f"MODTOKEN#{hash_token(token)}", "TOKEN")
        if pointer is None:
            return None
        moderator = self.get_moderator(pointer.data["moderator_id"])
        if moderator is None or not moderator.active:
            return None
        return moderator if same_digest(token, moderator.token_digest) else None

    def revoke(self, moderator: Moderator, actor: str) -> Moderator:
        revoked = replace(moderator, active=False)
        event = self.store.event(
            f"moderator:{moderator.id}",
            f"moderator:{moderator.id}",
            "moderator.revoked",
            actor,
            before={"id": moderator.id, "active": True},
            after={"id": moderator.id, "active": False},
        )
        self.store.commit(
            [
                Put(_item(revoked, moderator.version + 1), moderator.version),
                Delete(f"MODTOKEN#{moderator.token_digest}", "TOKEN", unconditional=True),
            ],
            [event],
        )
        return replace(revoked, version=moderator.version + 1)
