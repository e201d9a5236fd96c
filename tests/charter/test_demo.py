"""The charter's demo step: a register that shows every status."""

from datetime import UTC, datetime

from functions.core.clock import FixedClock
from functions.core.context import Services
from functions.local.charter_demo import SIGNATORIES, seed_signatories
from functions.local.demo import demo_companies


def test_the_demo_register_shows_each_status(services: Services, clock: FixedClock) -> None:
    clock.now = datetime(2026, 11, 23, 9, tzinfo=UTC)  # the day the demo was written
    companies = demo_companies()
    summary = seed_signatories(services, companies)
    assert summary == {"active": SIGNATORIES - 3, "outdated": 1, "suspended": 1, "withdrawn": 1}
    register, _ = services.store.signatures.list_signatures(limit=50)
    assert len(register) == SIGNATORIES
    suspended, _ = services.store.signatures.list_signatures(status="suspended")
    assert services.store.reports.get_aggregate(suspended[0].siren).open_published_count == 1
