"""A member's recovery figures (``GET /cases/figures``, the creditor's space), computed by the domain from its cases."""

from __future__ import annotations

from functions.core.domain.members import Member
from functions.core.domain.recovery_figures import RecoveryFigures, recovery_figures
from functions.core.resources import Resources


def member_figures(res: Resources, member: Member) -> RecoveryFigures:
    """What the member's cases recovered, how fast, and after which step; only its own cases count."""
    return recovery_figures(res.store.cases.list_member_cases(member.id))
