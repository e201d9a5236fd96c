"""The creditor's recovery figures in its space (home page), as ``GET /cases/figures`` gives them, in French."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from functions.core.domain.recovery import STATUS_LABELS
from functions.core.domain.recovery_figures import RecoveryFigures
from functions.core.french import NBSP, decimal, format_eur


def _percent(value: Decimal) -> str:
    return f"{decimal(value)}{NBSP}%"


def _days(days: int | None) -> str:
    if days is None:
        return "—"
    return f"{days}{NBSP}jour{'s' if days > 1 else ''}"


def figures_view(figures: RecoveryFigures) -> dict[str, Any]:
    """What the home page's section shows: the totals, the share after each step, each case's line."""
    average = figures.average_days_to_payment
    return {
        "count": len(figures.cases),
        "paid_in_full": figures.paid_in_full,
        "claimed": format_eur(figures.claimed_cents),
        "recovered": format_eur(figures.recovered_cents),
        "recovered_share": _percent(figures.recovered_share),
        "average_days": f"{decimal(average)}{NBSP}jours" if average is not None else "",
        "by_step": [(s.label, format_eur(s.recovered_cents), s.payments, _percent(s.share)) for s in figures.by_step],
        "cases": [
            (
                c.invoice_number,
                c.debtor_name,
                STATUS_LABELS[c.status],
                format_eur(c.recovered_cents),
                format_eur(c.claimed_cents),
                _days(c.days_from_opening),
                c.paid_after or "—",
            )
            for c in figures.cases
        ],
    }
