"""French wording shared by the directory's e-mails and letters: labels, the signature, the penalty's points.

Dates, numbers and amounts are written by ``functions.core.french``.
"""

from __future__ import annotations

from decimal import Decimal

from functions.core.domain.reports import NoticeChannel
from functions.core.french import NBSP, decimal

CHANNEL_LABELS = {
    NoticeChannel.REGISTERED_LETTER: "lettre recommandée avec accusé de réception",
    NoticeChannel.EMAIL_WITH_RECEIPT: "e-mail avec accusé de réception",
    NoticeChannel.BAILIFF: "acte de commissaire de justice",
}

SIGNATURE = "Cordialement,\nL'équipe Ardoise\n"


def points(value: Decimal) -> str:
    """``10 points``, ``7,5 points``: the points added to the ECB rate (``ARDOISE_PENALTY_POINTS``)."""
    return f"{decimal(value)}{NBSP}point{'s' if value >= 2 else ''}"
