"""The debtor's private reply link: which report it opens, until when.

The link (or a paper notice's short code) is e-mailed or printed once; only
its digest is stored (``store/replies.py``). An expired link still says so for
a while instead of being unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReplyLink:
    """What a reply token opens."""

    report_id: str
    debtor_siren: str
    expires_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at
