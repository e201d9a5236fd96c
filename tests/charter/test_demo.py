"""The charter's demo step: a register that shows every status."""

from datetime import UTC, datetime

from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.local.charter_demo import SIGNATORIES, seed_signatories
from functions.local.demo import demo_companies


def test_the_demo_register_shows_each_status(resources: Resources, clock: FixedClock) -> None:
    clock.now = datetime(2026, 11, 23, 9, tzinfo=UTC)  # the day the demo was written
    companies = demo_companies()
    summary = seed_signatories(resources, companies)
    assert summary == {"active": SIGNATORIES - 3, "outdated": 1, "suspended": 1, "withdrawn": 1}
    register, _ = resources.store.signatures.list_signatures(limit=50)
    assert len(register) == SIGNATORIES
    suspended, _ = resources.store.signatures.list_signatures(status="suspended")
    assert resources.store.reports.get_aggregate(suspended[0].siren).open_published_count == 1
