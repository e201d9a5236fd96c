"""Late-payment penalties on a balance that partial payments lower, checked against figures computed by hand.

A payment made on day D counts from D + 1 and is imputed on the principal (the creditor claims the least).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from functions.core.domain import injunction, recovery
from functions.core.domain.court_requests import Procedure
from functions.core.domain.penalties import Payment, late_payment_penalties, parse_rate_table
from functions.core.domain.scenarios import DEFAULT_SCENARIO
from tests.recovery.factories import make_case
from tests.recovery.test_injunction_domain import RATES, compose, paris, unpaid

# H2 2025 at 2.15 + 10 = 12.15 %, H1 2026 at 2.00 + 10 = 12.00 % (the 1 January rate).
TABLE = parse_rate_table("2025-06-11:2.15,2025-12-17:2.00")


def periods(*args: object, **kwargs: object) -> list[tuple[date, date, int, int, int]]:
    found = late_payment_penalties(*args, **kwargs)  # type: ignore[arg-type]  # the test's shorthand
    return [(p.start, p.end, p.days, p.cents, p.base_cents) for p in found.periods]


def test_without_payments_the_penalties_are_those_on_a_constant_balance() -> None:
    plain = late_payment_penalties(1_250_00, date(2025, 11, 15), date(2026, 3, 2), TABLE)
    later = late_payment_penalties(
        1_250_00, date(2025, 11, 15), date(2026, 3, 2), TABLE, payments=[Payment(date(2026, 3, 3), 500_00)]
    )
    assert plain == late_payment_penalties(1_250_00, date(2025, 11, 15), date(2026, 3, 2), TABLE, payments=())
    # A payment after the day the penalties run to changes nothing yet (nor the principal then owed).
    assert later == plain
    assert plain.interest_cents == 44_21 and not plain.base_changed
    assert {p.base_cents for p in plain.periods} == {1_250_00}


def test_a_partial_payment_mid_period_lowers_the_balance_from_the_day_after() -> None:
    # 1 000,00 EUR due 31 Jan 2026, 400,00 paid on 15 Feb, as of 2 Mar 2026, at 12.00 %:
    #   1 - 15 Feb: 15 days on 1 000,00: 100000 x 0.12 x 15 / 365 = 493.15 -> 493
    #   16 Feb - 2 Mar: 15 days on 600,00: 60000 x 0.12 x 15 / 365 = 295.89 -> 296
    payments = [Payment(date(2026, 2, 15), 400_00)]
    penalties = late_payment_penalties(1_000_00, date(2026, 1, 31), date(2026, 3, 2), TABLE, payments=payments)
    assert periods(1_000_00, date(2026, 1, 31), date(2026, 3, 2), TABLE, payments=payments) == [
        (date(2026, 2, 1), date(2026, 2, 15), 15, 493, 1_000_00),
        (date(2026, 2, 16), date(2026, 3, 2), 15, 296, 600_00),
    ]
    assert penalties.interest_cents == 789 and penalties.base_changed
    assert penalties.principal_cents == 600_00
    # On the balance left today from the due date, as before, 30 days on 600,00 came to 5,92 EUR only.
    assert late_payment_penalties(600_00, date(2026, 1, 31), date(2026, 3, 2), TABLE).interest_cents == 592


def test_a_payment_on_a_half_year_boundary_adds_no_period_and_one_the_day_after_splits_it() -> None:
    # 1 250,00 EUR due 15 Nov 2025, 250,00 paid, as of 2 Mar 2026:
    #   16 Nov - 31 Dec 2025: 46 days at 12.15 % on 1 250,00: 1914.04 -> 1914
    # paid on 31 Dec: 1 Jan - 2 Mar 2026, 61 days at 12.00 % on 1 000,00: 100000 x 0.12 x 61 / 365 = 2005.48 -> 2005
    on_the_boundary = [Payment(date(2025, 12, 31), 250_00)]
    assert periods(1_250_00, date(2025, 11, 15), date(2026, 3, 2), TABLE, payments=on_the_boundary) == [
        (date(2025, 11, 16), date(2025, 12, 31), 46, 1914, 1_250_00),
        (date(2026, 1, 1), date(2026, 3, 2), 61, 2005, 1_000_00),
    ]
    # paid on 1 Jan: that day still on 1 250,00 (125000 x 0.12 / 365 = 41.10 -> 41),
    # then 2 Jan - 2 Mar, 60 days on 1 000,00: 100000 x 0.12 x 60 / 365 = 1972.60 -> 1973
    the_day_after = [Payment(date(2026, 1, 1), 250_00)]
    assert periods(1_250_00, date(2025, 11, 15), date(2026, 3, 2), TABLE, payments=the_day_after) == [
        (date(2025, 11, 16), date(2025, 12, 31), 46, 1914, 1_250_00),
        (date(2026, 1, 1), date(2026, 1, 1), 1, 41, 1_250_00),
        (date(2026, 1, 2), date(2026, 3, 2), 60, 1973, 1_000_00),
    ]


def test_a_full_payment_stops_the_penalties_after_its_day() -> None:
    # 1 000,00 EUR due 31 Jan 2026, paid in full on 15 Feb: 15 days on 1 000,00 at 12.00 % = 493, then nothing.
    paid = [Payment(date(2026, 2, 10), 300_00), Payment(date(2026, 2, 15), 700_00)]
    penalties = late_payment_penalties(1_000_00, date(2026, 1, 31), date(2026, 9, 1), TABLE, payments=paid)
    # 1 - 10 Feb, 10 days on 1 000,00: 328.77 -> 329; 11 - 15 Feb, 5 days on 700,00: 115.07 -> 115
    assert [(p.start, p.end, p.cents, p.base_cents) for p in penalties.periods] == [
        (date(2026, 2, 1), date(2026, 2, 10), 329, 1_000_00),
        (date(2026, 2, 11), date(2026, 2, 15), 115, 700_00),
    ]
    assert penalties.principal_cents == 0 and penalties.interest_cents == 444


def test_payments_on_one_day_add_up_and_one_made_by_the_due_date_lowers_the_first_day() -> None:
    # 1 000,00 EUR due 31 Jan 2026; 100,00 paid on 20 Jan and 300,00 on 31 Jan: 600,00 from 1 Feb;
    # 200,00 + 100,00 on 15 Feb: 300,00 from 16 Feb. 1 - 15 Feb on 600,00: 295.89 -> 296; 16 Feb - 2 Mar on
    # 300,00: 147.95 -> 148.
    payments = [
        Payment(date(2026, 1, 20), 100_00),
        Payment(date(2026, 1, 31), 300_00),
        Payment(date(2026, 2, 15), 200_00),
        Payment(date(2026, 2, 15), 100_00),
    ]
    assert periods(1_000_00, date(2026, 1, 31), date(2026, 3, 2), TABLE, payments=payments) == [
        (date(2026, 2, 1), date(2026, 2, 15), 15, 296, 600_00),
        (date(2026, 2, 16), date(2026, 3, 2), 15, 148, 300_00),
    ]


def test_the_margin_applies_to_each_period_after_a_payment() -> None:
    # 9.5 %: 1 - 15 Feb on 1 000,00: 100000 x 0.095 x 15 / 365 = 390.41 -> 390; 16 Feb - 2 Mar on 600,00: 234.25 -> 234
    payments = [Payment(date(2026, 2, 15), 400_00)]
    penalties = late_payment_penalties(
        1_000_00, date(2026, 1, 31), date(2026, 3, 2), TABLE, Decimal("7.5"), payments=payments
    )
    assert [p.cents for p in penalties.periods] == [390, 234]


# -- the case's penalties: its recorded payments ---------------------------------------------


def paid(case: recovery.RecoveryCase, cents: int, on: date, at: datetime) -> recovery.RecoveryCase:
    return recovery.payment_recorded(case, amount_cents=cents, paid_on=on, now=at, actor="member:mbr_test")


def test_a_cases_penalties_run_on_the_principal_before_each_recorded_payment() -> None:
    # 2 400,00 EUR due 1 Mar 2026 (12.15 % with the built-in table), 400,00 paid on 6 Mar, as of 27 Mar:
    #   2 - 6 Mar: 5 days on 2 400,00: 240000 x 0.1215 x 5 / 365 = 399.45 -> 399
    #   7 - 27 Mar: 21 days on 2 000,00: 200000 x 0.1215 x 21 / 365 = 1398.08 -> 1398
    case = paid(make_case(), 400_00, date(2026, 3, 6), datetime(2026, 3, 10, 9, tzinfo=UTC))
    penalties = recovery.case_penalties(case, date(2026, 3, 27), RATES)
    assert [(p.days, p.cents, p.base_cents) for p in penalties.periods] == [(5, 399, 2_400_00), (21, 1398, 2_000_00)]
    assert penalties.interest_cents == 17_97 and penalties.principal_cents == 2_000_00


def test_a_sum_paid_before_the_case_opened_lowers_the_balance_from_the_first_day() -> None:
    # Opened for 2 000,00 left on a 2 400,00 invoice: the day of the first 400,00 is unknown, it counts from the start.
    case = make_case(outstanding_cents=2_000_00)
    penalties = recovery.case_penalties(case, date(2026, 3, 27), RATES)
    # 26 days on 2 000,00 at 12.15 %: 200000 x 0.1215 x 26 / 365 = 1730.96 -> 1731
    assert [(p.days, p.cents, p.base_cents) for p in penalties.periods] == [(26, 17_31, 2_000_00)]


def test_the_firm_reminder_names_the_balance_of_each_period_after_a_payment() -> None:
    case = paid(make_case(), 400_00, date(2026, 3, 6), datetime(2026, 3, 10, 9, tzinfo=UTC))
    firm = DEFAULT_SCENARIO.steps[1]
    # To 11 Mar: 399 on 2 400,00, then 7 - 11 Mar, 5 days on 2 000,00: 332.88 -> 333.
    rendered = recovery.render_step(case, firm, date(2026, 3, 11), RATES)
    assert rendered.penalties.interest_cents == 7_32
    body = rendered.body.replace("\u202f", " ").replace("\u00a0", " ")
    assert (
        "7,32 € (sur 2 400,00 € du 02/03/2026 au 06/03/2026, puis sur 2 000,00 € du 07/03/2026 au 11/03/2026)" in body
    )
    unchanged = recovery.render_step(make_case(), firm, date(2026, 3, 11), RATES).body
    assert "(sur " not in unchanged


def test_the_formal_notices_total_includes_the_penalties_on_the_balance_before_the_payment() -> None:
    case = paid(make_case(), 400_00, date(2026, 3, 6), datetime(2026, 3, 10, 9, tzinfo=UTC))
    notice = DEFAULT_SCENARIO.steps[-1]
    rendered = recovery.render_step(case, notice, date(2026, 3, 27), RATES)
    body = rendered.body.replace("\u202f", " ").replace("\u00a0", " ")
    # 2 000,00 + 17,97 + 40,00
    assert "Total : 2 057,97 €" in body
    assert "Principal restant dû : 2 000,00 €" in body


def test_the_request_breaks_the_interest_down_by_the_balance_of_each_period() -> None:
    case = paid(make_case(), 400_00, date(2026, 3, 6), datetime(2026, 3, 10, 9, tzinfo=UTC))
    request = compose(unpaid(case), now=paris(28, hour=10))
    # To 28 Mar: 399, then 7 - 28 Mar, 22 days on 2 000,00: 200000 x 0.1215 x 22 / 365 = 1464.66 -> 1465.
    assert request.principal_cents == 2_000_00 and request.interest_cents == 18_64
    assert request.total_cents == 2_000_00 + 18_64 + 40_00
    basis = " ".join(request.basis).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Après 400,00 € de paiements partiels (400,00 € le 6 mars 2026), il reste dû 2 000,00 €." in basis
    assert (
        "du 2 mars 2026 au 6 mars 2026, 5 jours à 12,15 % l'an sur 2 400,00 € : 3,99 € ; "
        "du 7 mars 2026 au 28 mars 2026, 22 jours à 12,15 % l'an sur 2 000,00 € : 14,65 €." in basis
    )
    assert "imputé sur le principal" in basis
    # Without a payment, no breakdown line: the one sentence on the interest says it all.
    plain = compose(unpaid(), now=paris(28, hour=10))
    assert not any(line.startswith("Décompte des intérêts") for line in plain.basis)


def test_petites_creances_count_the_interest_run_on_the_balance_before_a_payment() -> None:
    # 8 990,00 EUR, 4 040,00 paid on 26 Mar, 4 950,00 left; as of 28 Mar at 12.15 %:
    #   2 - 26 Mar, 25 days on 8 990,00: 899000 x 0.1215 x 25 / 365 = 7481.40 -> 7481
    #   27 - 28 Mar, 2 days on 4 950,00: 495000 x 0.1215 x 2 / 365 = 329.55 -> 330
    # 4 950,00 + 78,11 is over 5 000 EUR (on 4 950,00 from the due date it was 4 994,49: under).
    case = paid(make_case(amount_cents=8_990_00), 4_040_00, date(2026, 3, 26), datetime(2026, 3, 26, 10, tzinfo=UTC))
    case = unpaid(case)
    assert recovery.case_penalties(case, date(2026, 3, 28), RATES).interest_cents == 78_11
    assert injunction.offered_procedures(case, paris(28, hour=10), RATES) == (Procedure.INJUNCTION,)


def test_the_request_names_the_dated_payments_as_a_part_when_a_sum_was_paid_before_the_case_opened() -> None:
    case = make_case(outstanding_cents=2_000_00)  # 400,00 paid before the case: its day unknown
    case = paid(case, 500_00, date(2026, 3, 6), datetime(2026, 3, 10, 9, tzinfo=UTC))
    basis = " ".join(compose(unpaid(case), now=paris(28, hour=10)).basis).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Après 900,00 € de paiements partiels (dont 500,00 € le 6 mars 2026), il reste dû 1 500,00 €." in basis
