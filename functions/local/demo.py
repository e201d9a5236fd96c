"""Demo data for ``ardoise serve --demo``: realistic French companies, seeded once.

Deterministic (fixed Faker seed) so that a newcomer and a screenshot see the
same companies. Each area adds its own demo step to ``DEMO_STEPS``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from functions.core.context import Services
from functions.core.identifiers import with_check_digit
from functions.core.store.companies import Company
from functions.core.store.items import Item, Put

DEMO_ACTOR = "system:demo"
DEMO_COMPANIES = 40
_MARKER = ("DEMO", "SEEDED")


def demo_companies(count: int = DEMO_COMPANIES, seed: int = 2026) -> list[Company]:
    """Return ``count`` plausible French companies with valid SIRENs."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    companies = []
    for _ in range(count):
        siren = with_check_digit(f"{rng.randrange(30_000_000, 99_999_999):08d}")
        companies.append(
            Company(
                siren=siren,
                name=f"{fake.company()} {fake.company_suffix()}",
                address=fake.street_address(),
                postal_code=fake.postcode(),
                city=fake.city(),
            )
        )
    return companies


def seed_companies(ctx: Services, companies: list[Company]) -> int:
    for company in companies:
        ctx.store.companies.record_company(company, DEMO_ACTOR)
    return len(companies)


DemoStep = Callable[[Services, list[Company]], Any]

DEMO_STEPS: list[tuple[str, DemoStep]] = [
    ("companies", seed_companies),
]


def seed_demo(ctx: Services) -> dict[str, Any]:
    """Fill an empty store with demo data; do nothing when it was seeded before."""
    if ctx.store.backend.get(*_MARKER) is not None:
        return {"already_seeded": True}
    companies = demo_companies()
    summary = {name: step(ctx, companies) for name, step in DEMO_STEPS}
    ctx.store.backend.transact([Put(Item(*_MARKER, {"steps": list(summary)}), unconditional=True)])
    return summary
