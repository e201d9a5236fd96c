"""Shared experiences expire once the index stops counting them; on both stores."""

from datetime import UTC, date, datetime

import pytest
from flask.testing import FlaskClient

from functions.core.clock import PARIS, FixedClock
from functions.core.resources import Resources
from functions.core.usecases.directory.experiences import check_line, purge_expired_experiences
from functions.core.usecases.propagation import refresh_marked
from functions.core.usecases.reports.solvency import refresh_due_summaries
from tests.reports.factories import CREDITOR_SIRENS, DEBTOR_SIREN, add_subscriber, make_experience


@pytest.mark.parametrize(
    ("due_date", "paid_on", "kept_until"),
    [
        (date(2026, 1, 31), date(2026, 2, 20), date(2028, 2, 20)),  # paid late: counted from the payment
        (date(2026, 3, 31), date(2026, 3, 1), date(2028, 3, 31)),  # paid early: kept until its due date's window
        (date(2024, 2, 1), date(2024, 2, 29), date(2026, 2, 28)),  # no 29 February two years later
    ],
)
def test_an_experience_is_kept_24_months_after_it_was_paid_or_due(
    due_date: date, paid_on: date, kept_until: date
) -> None:
    experience = make_experience(due_date=due_date, days_late=(paid_on - due_date).days)
    assert experience.kept_until == kept_until


def test_an_experience_older_than_the_window_is_refused_line_by_line() -> None:
    line = {"debtor_siren": DEBTOR_SIREN, "amount_cents": 1_000_00, "due_date": "2024-10-01", "paid_on": "2024-11-01"}
    experience, errors = check_line(line, CREDITOR_SIRENS[0], date(2026, 11, 23))
    assert experience is None
    assert [(e.field, e.code) for e in errors] == [("paid_on", "trop_ancienne")]
    kept, none = check_line({**line, "paid_on": "2024-11-23"}, CREDITOR_SIRENS[0], date(2026, 11, 23))
    assert kept is not None and none == []


def share_from_three_creditors(resources: Resources, paid_on: date) -> None:
    for n, creditor in enumerate(CREDITOR_SIRENS[:3]):
        experience = make_experience(
            creditor_siren=creditor, due_date=paid_on, days_late=0, reference=f"F-{n}", amount_cents=2_000_00
        )
        resources.store.experiences.share_experiences(creditor, [experience], f"member:{creditor}")


def test_stored_experiences_carry_their_expiry_and_the_tick_purges_them(
    resources: Resources, clock: FixedClock
) -> None:
    share_from_three_creditors(resources, paid_on=date(2026, 2, 20))
    [item, *_] = resources.store.backend.query(f"EXPERIENCES#{DEBTOR_SIREN}").items
    # Midnight in Paris starting 21 February 2028, the first day the index no longer counts it.
    assert item.expires_at == int(datetime(2028, 2, 21, tzinfo=PARIS).timestamp())
    clock.now = datetime(2028, 2, 20, 22, 59, tzinfo=UTC)  # 23:59 in Paris, the last day it counts
    assert purge_expired_experiences(resources) == 0
    clock.advance(minutes=1)
    assert purge_expired_experiences(resources) == 3
    assert resources.store.experiences.list_for_debtor(DEBTOR_SIREN) == []


def test_a_company_known_only_by_expired_experiences_becomes_unknown(
    reports: FlaskClient, resources: Resources, clock: FixedClock
) -> None:
    _, key = add_subscriber(resources)
    share_from_three_creditors(resources, paid_on=date(2026, 2, 20))
    refresh_marked(resources)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key}).status_code == 200
    clock.now = datetime(2028, 2, 21, 0, 30, tzinfo=UTC)
    purge_expired_experiences(resources)
    refresh_due_summaries(resources)
    assert reports.get(f"/solvency/{DEBTOR_SIREN}", headers={"X-API-Key": key}).status_code == 404
