"""Demo signatories of the charter: a dozen companies, signed over the past year and a half.

Everything goes through the charter's use cases, each at its own date (a fixed
clock per step), so the register shows real histories: one signatory of the
old version that never renewed (``outdated``), one that withdrew, and one
suspended because the directory publishes an unpaid report against it. Each
first signature waits for a moderator (the demo's, a day later), who checks the
signatory's link to the company; a stranger's request for a signed company is
left pending in the moderators' queue, and shows nowhere else.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from functions.core.clock import FixedClock, today_in_paris
from functions.core.domain.charter import SignatureRequest, SigningOutcome, load_charter, public_status
from functions.core.domain.companies import Company
from functions.core.domain.reports import AmicableSteps, Invoice, NoticeChannel, Party, Report, ReportStatus
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.text import fold
from functions.core.usecases.charter import signatures as charter_service

SIGNATORIES = 12
# Demo companies 20 onwards: the directory's demo picks its debtors among the first ones.
FIRST = 20
ROLES = ("Gérant", "Présidente", "Directeur administratif et financier", "Directrice générale", "Responsable comptable")
DEMO_MODERATOR = "moderator:demo"
DEMO_CREDITOR = Party("732829320", "Menuiserie Durand SARL", "compta@menuiserie-durand.fr")


def _at(res: Resources, moment: datetime) -> Resources:
    """The same store, mailer and settings, with the clock standing at ``moment``."""
    clock = FixedClock(moment)
    return Resources(res.settings, store=Store(res.store.backend, clock), mailer=res.mailer, clock=clock)


def _request(company: Company, version: str, rng: random.Random) -> SignatureRequest:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(int(company.siren))
    first, last = fake.first_name(), fake.last_name()
    domain = "-".join(fold(company.name).split()[:2]) or "entreprise"
    email = f"{fold(first).replace(' ', '-')}.{fold(last).replace(' ', '-')}@{domain}.fr"
    return SignatureRequest(company.siren, company.name, f"{first} {last}", rng.choice(ROLES), email, version)


def _sign(res: Resources, company: Company, moment: datetime, rng: random.Random) -> None:
    version = load_charter().current(today_in_paris(moment)).version
    at = _at(res, moment)
    request = _request(company, version, rng)
    receipt = charter_service.request_signature(at, request)
    if receipt.token is None:
        return
    _, outcome = charter_service.verify_signature(_at(res, moment + timedelta(hours=2)), receipt.token)
    if outcome is SigningOutcome.PENDING:
        # The moderator compared the registry's identity with what was typed, and called the company.
        decided = _at(res, moment + timedelta(days=1))
        claim_id = _claim_of(decided, company.siren)
        charter_service.decide_claim(decided, company.siren, claim_id, approved=True, actor=DEMO_MODERATOR)


def _claim_of(res: Resources, siren: str) -> str:
    claims, _ = res.store.signatures.list_claims(limit=200)
    return next(c.id for c in claims if c.request.siren == siren)


def _stranger_claims(res: Resources, company: Company, moment: datetime) -> None:
    """Someone asks to sign for a signed company from their own address: it stays a claim, shown nowhere."""
    version = load_charter().current(today_in_paris(moment)).version
    request = SignatureRequest(
        company.siren, "Nom inventé", "Jean Inconnu", "Gérant", "jean.inconnu@exemple.fr", version
    )
    receipt = charter_service.request_signature(_at(res, moment), request)
    if receipt.token is not None:
        charter_service.verify_signature(_at(res, moment + timedelta(minutes=30)), receipt.token)


def _withdraw(res: Resources, siren: str, moment: datetime) -> None:
    receipt = charter_service.request_withdrawal(_at(res, moment), siren)
    if receipt.token is not None:
        charter_service.confirm_withdrawal(_at(res, moment + timedelta(hours=1)), siren, receipt.token)


def _publish_unpaid_report(res: Resources, debtor: Company, moment: datetime) -> None:
    """Put one published unpaid report against ``debtor`` in the directory, as its tick would."""
    store = _at(res, moment).store
    due = (moment - timedelta(days=75)).date()
    report = Report(
        id=f"rpt_demo_charte_{debtor.siren}",
        creditor=DEMO_CREDITOR,
        debtor=Party(debtor.siren, debtor.name, "", f"{debtor.address}, {debtor.postal_code} {debtor.city}"),
        invoice=Invoice("F-2026-0412", due - timedelta(days=45), due, 3_480_00),
        outstanding_cents=3_480_00,
        steps=AmicableSteps((due + timedelta(days=10),), due + timedelta(days=25), NoticeChannel.REGISTERED_LETTER),
        status=ReportStatus.SUBMITTED,
        created_at=moment - timedelta(days=30),
        description="Agencement de bureaux livré et facturé ; deux relances et une mise en demeure sans réponse.",
        filed_by="mbr_demo",
    )
    if store.reports.get_report(report.id) is not None:
        return
    filed = store.reports.file_report(report, actor="system:demo")
    published = replace(filed, status=ReportStatus.PUBLISHED, published_at=moment)
    store.reports.save(filed, published, actor="system:demo", action="report.published")


def seed_signatories(res: Resources, companies: list[Company]) -> dict[str, int]:
    """Sign the charter for a dozen demo companies; one outdated, one withdrawn, one suspended."""
    rng = random.Random(4)  # noqa: S311 - deterministic demo data, not a secret
    chosen = companies[FIRST : FIRST + SIGNATORIES]
    switch = load_charter().versions[-1].effective_on
    for index, company in enumerate(chosen):
        # Spread signatures from a year before the latest version to a few weeks after it.
        day = switch - timedelta(days=400) + timedelta(days=index * 37)
        _sign(res, company, datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=9 + index % 7), rng)
    renew_at = datetime.combine(switch + timedelta(days=12), datetime.min.time(), UTC) + timedelta(hours=10)
    latest = load_charter().versions[-1].version
    # Every signatory renews for the latest version, except the first one, left outdated on purpose.
    for company in chosen[1:]:
        signature = res.store.signatures.get_signature(company.siren)
        if signature is not None and signature.charter_version != latest:
            _sign(res, company, renew_at, rng)
    withdrawn, suspended = chosen[3], chosen[5]
    _withdraw(res, withdrawn.siren, renew_at + timedelta(days=20))
    _publish_unpaid_report(res, suspended, renew_at + timedelta(days=30))
    charter_service.refresh_charter_standing(_at(res, renew_at + timedelta(days=30, minutes=1)), suspended.siren)
    _stranger_claims(res, chosen[2], renew_at + timedelta(days=40))
    statuses = Counter(
        public_status(signature, load_charter(), today_in_paris(res.clock())).status.value
        for signature in (res.store.signatures.get_signature(c.siren) for c in chosen)
        if signature is not None
    )
    return dict(sorted(statuses.items()))
