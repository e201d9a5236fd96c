"""Demo data for ``ardoise serve --demo``: realistic French companies, seeded once.

Deterministic (fixed Faker seed) so that a newcomer and a screenshot see the
same companies. Each area adds its own demo step to ``DEMO_STEPS``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from functions.core.domain.companies import Company
from functions.core.domain.subscribers import Subscriber
from functions.core.identifiers import with_check_digit
from functions.core.mounts import api_url, space_url
from functions.core.resources import Resources
from functions.core.store.items import Item, Put
from functions.local.charter_demo import seed_signatories
from functions.local.directory_demo import seed_reports
from functions.local.recovery_demo import seed_cases
from functions.local.registry_demo import seed_registry

DEMO_ACTOR = "system:demo"
DEMO_SUBSCRIBER_EMAIL = "credit@cabinet-lemoine.example"
DEMO_COMPANIES = 40
_MARKER = ("DEMO", "SEEDED")


# Small businesses as they are named in France: a trade, a family name, a legal form.
TRADES = (
    "Menuiserie",
    "Transports",
    "Boulangerie",
    "Plomberie",
    "Imprimerie",
    "Garage",
    "Électricité",
    "Maçonnerie",
    "Charpentes",
    "Traiteur",
    "Paysages",
    "Informatique",
    "Conseil",
    "Carrosserie",
    "Couverture",
    "Fromagerie",
    "Pharmacie",
    "Architecture",
    "Logistique",
    "Textiles",
)
LEGAL_FORMS = ("SARL", "SAS", "SASU", "EURL", "SA")


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
                name=f"{rng.choice(TRADES)} {fake.last_name()} {rng.choice(LEGAL_FORMS)}",
                address=fake.street_address(),
                postal_code=fake.postcode(),
                city=fake.city(),
            )
        )
    return companies


def seed_companies(res: Resources, companies: list[Company]) -> int:
    for company in companies:
        res.store.companies.record_company(company, DEMO_ACTOR)
    return len(companies)


def seed_subscriber(res: Resources, companies: list[Company]) -> dict[str, Any]:
    """Share payment experiences from three creditors, refresh summaries, create a subscriber."""
    from datetime import timedelta

    from functions.core.clock import today_in_paris
    from functions.core.domain.solvency import Experience
    from functions.core.usecases.propagation import refresh_marked
    from functions.core.usecases.reports.subscribers import create_subscriber

    rng = random.Random(5)  # noqa: S311 - deterministic demo data, not a secret
    today = today_in_paris(res.clock())
    creditors, debtors = companies[-3:], companies[:12]
    for creditor in creditors:
        shared = []
        for debtor in debtors:
            habit = rng.choice((-5, 0, 10, 25, 45))  # each debtor pays with its own habit
            for n in range(rng.randint(2, 5)):
                due = today - timedelta(days=rng.randint(40, 600))
                paid = min(today, due + timedelta(days=max(-30, habit + rng.randint(-8, 12))))
                amount = rng.randint(300, 25_000) * 100
                shared.append(Experience(creditor.siren, debtor.siren, amount, due, paid, f"F-{n}"))
        res.store.experiences.share_experiences(creditor.siren, shared, DEMO_ACTOR)
    while refresh_marked(res):
        pass
    subscriber, key = create_subscriber(
        res, name="Cabinet Lemoine Crédit (démo)", email=DEMO_SUBSCRIBER_EMAIL, plan="pro", actor=DEMO_ACTOR
    )
    for debtor in debtors[:3]:
        res.store.watchlist.watch(subscriber.id, debtor.siren, DEMO_ACTOR)
    key_file = res.settings.var_dir / "demo-api-key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key + "\n")
    portfolio = write_demo_portfolio(res, debtors)
    summary = api_url(res.settings.base_url, "reports", f"/solvency/{debtors[0].siren}")
    return {
        "subscriber_key": key,
        "try": f"curl -H 'X-API-Key: {key}' {summary}",
        "key_file": str(key_file),
        "portfolio_file": str(portfolio),
    }


DEMO_PORTFOLIO = "demo-portefeuille.csv"


def write_demo_portfolio(res: Resources, debtors: list[Company]) -> Path:
    """A CSV file for the subscriber space's import: companies to watch, one repeated, one wrong SIREN."""
    path = res.settings.var_dir / DEMO_PORTFOLIO
    lines = [f"{debtor.siren};{debtor.name}" for debtor in debtors]
    lines += [f"{debtors[-1].siren};{debtors[-1].name} (en double)", "552100555;SIREN mal recopié"]
    path.write_text("siren;nom\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


DemoStep = Callable[[Resources, list[Company]], Any]

DEMO_STEPS: list[tuple[str, DemoStep]] = [
    ("companies", seed_companies),
    ("charter_signatories", seed_signatories),
    ("directory_reports", seed_reports),
    ("recovery_cases", seed_cases),  # the directory's demo member opens them
    ("solvency_subscriber", seed_subscriber),  # summaries need the other steps' data
    # Last: the registry's gates would refuse the demo's reports against a ceased company.
    ("registry", seed_registry),
]


def _demo_subscriber(res: Resources) -> Subscriber | None:
    subscribers, _ = res.store.subscribers.list_subscribers(limit=100)
    return next((s for s in subscribers if s.is_active and s.email == DEMO_SUBSCRIBER_EMAIL), None)


def demo_sign_in_links(res: Resources) -> dict[str, str]:
    """A fresh one-time sign-in link (15 minutes) into each web space, for its demo principal."""
    from functions.core.domain.sessions import PrincipalKind
    from functions.core.usecases.signin import issue_link, link_url
    from functions.local.directory_demo import CREDITOR

    creditor = next((m for m in res.store.members.list_members(CREDITOR[0]) if m.email == CREDITOR[3]), None)
    moderator = next((m for m in res.store.moderators.list_moderators() if m.active), None)
    subscriber = _demo_subscriber(res)
    principals = {
        "creditor": (PrincipalKind.MEMBER, creditor),
        "moderator": (PrincipalKind.MODERATOR, moderator),
        "subscriber": (PrincipalKind.SUBSCRIBER, subscriber),
    }
    return {
        who: link_url(res, kind, issue_link(res, kind, principal.id))
        for who, (kind, principal) in principals.items()
        if principal is not None
    }


def demo_einvoice(res: Resources) -> Path:
    """A Factur-X invoice of the demo creditor to a demo debtor, for the filing form's « Lire la facture »."""
    from functions.local.directory_demo import write_demo_einvoice

    return write_demo_einvoice(res, demo_companies()[0])


def demo_summary_search(res: Resources) -> str | None:
    """The subscriber space's search box asked for the demo subscriber's first watched company (after sign-in)."""
    subscriber = _demo_subscriber(res)
    watched = res.store.watchlist.list_watched(subscriber.id)[0] if subscriber else []
    if not watched:
        return None
    return space_url(res.settings.base_url, "subscriber", f"/synthese?recherche={watched[0]['siren']}")


def demo_creditor_pages(res: Resources) -> dict[str, str]:
    """The creditor space's recovery cases (the demo opens one at each stage, ``recovery_demo.py``) and scenarios."""
    return {
        "recovery cases, one at each stage": space_url(res.settings.base_url, "member", "/dossiers"),
        "reminder scenarios, Ardoise's and the member's own": space_url(res.settings.base_url, "member", "/scenarios"),
    }


def demo_subscriber_pages(res: Resources) -> dict[str, str]:
    """The subscriber space's portfolio import (with the demo's CSV file to send) and webhook settings."""
    if _demo_subscriber(res) is None:
        return {}
    pages = {"webhook settings and delivery log": space_url(res.settings.base_url, "subscriber", "/webhook")}
    portfolio = res.settings.var_dir / DEMO_PORTFOLIO
    if portfolio.exists():
        url = space_url(res.settings.base_url, "subscriber", "/surveillance/import")
        pages["portfolio import"] = f"{url} (send {portfolio})"
    return pages


def seed_demo(res: Resources) -> dict[str, Any]:
    """Fill an empty store with demo data; do nothing when it was seeded before."""
    if res.store.backend.get(*_MARKER) is not None:
        return {"already_seeded": True}
    companies = demo_companies()
    summary = {name: step(res, companies) for name, step in DEMO_STEPS}
    res.store.backend.transact([Put(Item(*_MARKER, {"steps": list(summary)}), unconditional=True)])
    return summary
