"""Dates, times, numbers and money written the French way, for every surface.

The site, the e-mails and letters, the PDFs, the reply page and the problem
messages all write through here, so that a date reads the same everywhere:
``2 mars 2026`` in running text (letters, pages), ``02/03/2026`` where a short
form is wanted (tables, messages), ``02/03/2026 à 10h00`` for a moment, in
Paris time. Digits are grouped by a narrow no-break space (U+202F) and a unit
follows a no-break space (U+00A0), as the Imprimerie nationale writes them:
``1 234,56 €``, ``12,15 %``.

Machine surfaces (JSON, the CLI's ``--json``, ``datetime`` attributes) keep
ISO 8601: this module is for what people read.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal

from functions.core.clock import PARIS

NARROW_NBSP = "\u202f"  # between groups of digits
NBSP = "\u00a0"  # between a number and its unit
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# The abbreviations of the Imprimerie nationale: a chart's axis has no room for "septembre".
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def long_date(day: date) -> str:
    """``2 mars 2026`` (``1er`` for the first of the month), as French letters and pages write a date."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``02/03/2026``: tables, messages and wherever a date stands among other figures."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def short_datetime(moment: datetime) -> str:
    """``02/03/2026 à 10h00``, in Paris time whatever the moment's own zone."""
    local = moment.astimezone(PARIS)
    return f"{short_date(local.date())} à {local.hour:02d}h{local.minute:02d}"


def month_label(day: date) -> str:
    """``mars 26``, ``sept. 26``: a month on a chart's axis."""
    return f"{SHORT_MONTHS[day.month - 1]} {day.year % 100:02d}"


def number(value: int) -> str:
    """``109 500``: a whole number, its thousands grouped."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def decimal(value: Decimal) -> str:
    """``7,5``: a decimal number as written, with a French comma and no trailing zero."""
    return f"{value.normalize():f}".replace(".", ",")


def format_eur(cents: int) -> str:
    """``1 234,56 €`` from integer cents (``-40,00 €`` for a negative amount)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    return f"{sign}{number(euros)},{rest:02d}{NBSP}€"


def round_eur(cents: int) -> str:
    """``1 500 €`` for whole euros, ``99,50 €`` otherwise: a threshold or a fee quoted in prose."""
    return f"{number(cents // 100)}{NBSP}€" if cents % 100 == 0 else format_eur(cents)


def percent(value: Decimal) -> str:
    """``12,15 %``: two decimals, a French comma."""
    return f"{value.quantize(Decimal('0.01'))}".replace(".", ",") + f"{NBSP}%"


_EUROS = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$")


def parse_euros(typed: str) -> int | None:
    """Read an amount typed in euros (``1 250,50``, ``1.250,5 €``, ``1250``) as cents; None if it is not one."""
    text = "".join(typed.split()).replace(NARROW_NBSP, "").replace(NBSP, "").removesuffix("€")
    match = _EUROS.match(text)
    if match is None:
        return None
    return int(match.group(1).replace(".", "")) * 100 + int((match.group(2) or "").ljust(2, "0"))
