"""The tick's recovery step: send each due step of each running case, end the scenarios whose notice ran out,
resume those whose payment schedule missed an instalment.

A step is claimed before it is sent (a versioned write of the case), so two
ticks at once never send it twice; the message's trace is recorded after it
went. A tick that crashed in between leaves its claim, which another tick
takes over after ``CLAIM_TTL``: a step goes at least once, and twice only
after such a crash. A send that fails (the mail service refused or is down,
no SMS provider, the registered-mail provider refused the letter) is logged and
tried again by a later tick; a letter a provider posted before the failure is
posted again with the same bytes, which the provider answers with its first
receipt (``functions/core/post.py``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from functions.core.clock import today_in_paris
from functions.core.domain import recovery
from functions.core.domain.recovery import ActionKind, RecoveryCase
from functions.core.logs import get_logger
from functions.core.mailer import MailNotSent
from functions.core.post import LetterNotPosted
from functions.core.resources import Resources
from functions.core.sms import SmsUnavailable
from functions.core.usecases.recovery.cases import change_case
from functions.core.usecases.recovery.channels import send_step

TICK_ACTOR = "system:tick"
log = get_logger("recovery")


def _end_if_due(case: RecoveryCase, now: datetime) -> RecoveryCase | None:
    action = recovery.due_action(case, now)
    if action is None or action.kind is not ActionKind.END_SCENARIO:
        return None
    return recovery.scenario_ended(case, now, TICK_ACTOR)


def _resume_if_missed(case: RecoveryCase, now: datetime) -> RecoveryCase | None:
    action = recovery.due_action(case, now)
    if action is None or action.kind is not ActionKind.INSTALMENT_MISSED:
        return None
    return recovery.instalment_missed(case, now, TICK_ACTOR)


def _record(case: RecoveryCase, claim: str, message: recovery.SentMessage, now: datetime) -> RecoveryCase | None:
    sending = case.sending
    if sending is None or sending.claim != claim:
        return None  # taken over by another tick meanwhile: it records its own
    return recovery.step_sent(case, sending.step, message, now, TICK_ACTOR)


def advance_case(res: Resources, case_id: str, now: datetime) -> str | None:
    """Take a case's due action: ``"sent"``, ``"ended"``, ``"resumed"`` (an instalment missed: the scenario goes
    on, its next step at a later tick), or None (nothing due, or another tick on it)."""
    ended = change_case(res, case_id, lambda case: _end_if_due(case, now), actor=TICK_ACTOR, action="case.ended")
    if ended is not None:
        return "ended"
    missed = change_case(
        res, case_id, lambda case: _resume_if_missed(case, now), actor=TICK_ACTOR, action="case.instalment_missed"
    )
    if missed is not None:
        return "resumed"
    claim = uuid.uuid4().hex
    claimed = change_case(
        res, case_id, lambda case: recovery.step_claimed(case, claim, now), actor=TICK_ACTOR, action="case.step_claimed"
    )
    if claimed is None or claimed.sending is None:
        return None
    step = claimed.scenario.steps[claimed.sending.step]
    rendered = recovery.render_step(
        claimed, step, today_in_paris(now), res.settings.ecb_rates, res.settings.penalty_points
    )
    message = send_step(res, claimed, step, rendered, now)
    change_case(
        res, case_id, lambda case: _record(case, claim, message, now), actor=TICK_ACTOR, action="case.step_sent"
    )
    return "sent"


def run_due_cases(res: Resources, limit: int = 200) -> dict[str, Any]:
    """Tick step: advance every case whose next action is due (at most ``limit`` a tick)."""
    now = res.clock()
    done: dict[str, Any] = {"sent": 0, "ended": 0, "resumed": 0, "failed": 0}
    for case_id in res.store.cases.list_due(now, limit):
        try:
            outcome = advance_case(res, case_id, now)
        except (MailNotSent, SmsUnavailable, LetterNotPosted, OSError) as exc:
            log.warning("recovery step not sent", extra={"case": case_id, "error": f"{type(exc).__name__}: {exc}"})
            done["failed"] += 1
            continue
        if outcome is not None:
            done[outcome] += 1
    return done
