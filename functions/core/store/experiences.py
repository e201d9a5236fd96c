"""Payment experiences shared by members: never shown one by one, they feed the index.

Stored under their debtor (``EXPERIENCES#<siren>``), keyed by creditor and a
digest of the invoice (reference, dates, amount), so that sharing the same
invoice again replaces it instead of counting it twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date

from functions.core.domain.solvency import Experience
from functions.core.store.base import Repository, sortable_time
from functions.core.store.items import Item, Put

# Experiences per transaction: each one may add an outbox mark, plus one audit event.
CHUNK = 45


def _sort_key(experience: Experience) -> str:
    identity = "|".join(
        (
            experience.reference,
            experience.due_date.isoformat(),
            experience.paid_on.isoformat(),
            str(experience.amount_cents),
        )
    )
    return f"{experience.creditor_siren}#{hashlib.sha256(identity.encode()).hexdigest()[:20]}"


class Experiences(Repository):
    """Record and read shared payment experiences."""

    def share_experiences(self, creditor_siren: str, experiences: Sequence[Experience], actor: str) -> int:
        """Store experiences of one creditor; mark their debtors stale; return how many were written."""
        at = sortable_time(self.now())
        for start in range(0, len(experiences), CHUNK):
            chunk = experiences[start : start + CHUNK]
            writes = [
                Put(
                    Item(
                        f"EXPERIENCES#{e.debtor_siren}",
                        _sort_key(e),
                        {
                            **asdict(e),
                            "due_date": e.due_date.isoformat(),
                            "paid_on": e.paid_on.isoformat(),
                            "shared_at": at,
                        },
                    ),
                    unconditional=True,
                )
                for e in chunk
            ]
            debtors = sorted({e.debtor_siren for e in chunk})
            event = self.store.event(
                f"member:{creditor_siren}",
                f"member:{creditor_siren}",
                "experiences.shared",
                actor,
                after={"count": len(chunk), "debtors": debtors, "amount_cents": sum(e.amount_cents for e in chunk)},
            )
            self.store.commit(writes, [event], touched=debtors)
        return len(experiences)

    def list_for_debtor(self, siren: str) -> list[Experience]:
        """Return every experience shared about ``siren``."""
        found: list[Experience] = []
        cursor: str | None = None
        while True:
            page = self.backend.query(f"EXPERIENCES#{siren}", limit=1000, cursor=cursor)
            for item in page.items:
                data = dict(item.data)
                data.pop("shared_at", None)
                data["due_date"] = date.fromisoformat(data["due_date"])
                data["paid_on"] = date.fromisoformat(data["paid_on"])
                found.append(Experience(**data))
            if page.cursor is None:
                return found
            cursor = page.cursor
