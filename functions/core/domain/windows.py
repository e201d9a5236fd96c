"""The window every date a person types must fall in, as of today (the clock is passed in).

A date can be well formed and absurd: an invoice "issued" in year 1 accrued
2,000 years of late-payment interest on its notice, and 9999-12-31 overflowed
date arithmetic. Each date is therefore bounded, with a stable code:

- a report's invoice is at most :data:`INVOICE_MAX_AGE_YEARS` years old
  (``facture_trop_ancienne``): a claim between traders is time-barred after
  5 years (Code de commerce L110-4), and the directory deletes every report
  5 years after its due date anyway; nothing is later than today where it
  already happened (invoice, reminders, notice);
- a shared experience is due at most :data:`MAX_DAYS_DUE_AHEAD` days ahead
  (``echeance_trop_lointaine``) and paid at most :data:`MAX_YEARS_APART`
  years before or after its due date (``dates_trop_eloignees``).

The rules that use these bounds (``rules.check_filing``, ``check_experience_dates``)
compare dates without adding to a user's date, so that no bound can overflow.
"""

from __future__ import annotations

from datetime import date

from functions.core.errors import FieldError
from functions.core.french import short_date

INVOICE_MAX_AGE_YEARS = 5
MAX_DAYS_DUE_AHEAD = 366
MAX_YEARS_APART = 5


def years_before(day: date, years: int) -> date:
    """Return the same day ``years`` years earlier (29 February becomes the 28th; never before year 1)."""
    year = day.year - years
    if year < date.min.year:
        return date.min
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def oldest_invoice_date(today: date) -> date:
    """Return the earliest issue date a report may be filed for today."""
    return years_before(today, INVOICE_MAX_AGE_YEARS)


def check_experience_dates(due_date: date, paid_on: date, today: date) -> list[FieldError]:
    """Return what is implausible in a shared experience's dates (empty: within the window)."""
    failures = []
    if paid_on > today:
        failures.append(FieldError("paid_on", "date_future", "La date de paiement ne peut pas être future."))
    if (due_date - today).days > MAX_DAYS_DUE_AHEAD:
        failures.append(
            FieldError(
                "due_date",
                "echeance_trop_lointaine",
                f"L'échéance est à plus d'un an du {short_date(today)} : une facture déjà payée n'a pas "
                "une échéance si lointaine.",
            )
        )
    earlier, later = sorted((due_date, paid_on))
    if earlier < years_before(later, MAX_YEARS_APART):
        failures.append(
            FieldError(
                "paid_on",
                "dates_trop_eloignees",
                f"Le paiement et l'échéance sont à plus de {MAX_YEARS_APART} ans l'un de l'autre : vérifiez les dates.",
            )
        )
    return failures
