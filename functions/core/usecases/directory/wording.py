"""French wording shared by the directory's e-mails and letters: dates, rates, labels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from functions.core.domain.reports import NoticeChannel

CHANNEL_LABELS = {
    NoticeChannel.REGISTERED_LETTER: "lettre recommandée avec accusé de réception",
    NoticeChannel.EMAIL_WITH_RECEIPT: "e-mail avec accusé de réception",
    NoticeChannel.BAILIFF: "acte de commissaire de justice",
}

SIGNATURE = "Cordialement,\nL'équipe Ardoise\n"


def short_date(day: date) -> str:
    """``02/03/2026``."""
    return day.strftime("%d/%m/%Y")


def percent(value: Decimal) -> str:
    """``12,15 %`` (two decimals, French comma, no-break space)."""
    return f"{value.quantize(Decimal('0.01'))}".replace(".", ",") + "\u00a0%"


def points(value: Decimal) -> str:
    """``10 points``, ``7,5 points``: the points added to the ECB rate (``ARDOISE_PENALTY_POINTS``)."""
    number = f"{value.normalize():f}".replace(".", ",")
    return f"{number}\u00a0point{'s' if value >= 2 else ''}"
