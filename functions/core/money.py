"""Money as integer cents; ``Decimal`` only where a rate applies.

Amounts cross every boundary (JSON, store, e-mails) as ``int`` cents in EUR;
``functions.core.french.format_eur`` writes them for people.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = "EUR"


def cents_from_euros(euros: Decimal | str | int) -> int:
    """Convert an amount in euros to cents, rounding half up."""
    return int((Decimal(euros) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def apply_rate(cents: int, rate: Decimal) -> int:
    """Multiply an amount by a rate and round half up to the cent."""
    return int((Decimal(cents) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
