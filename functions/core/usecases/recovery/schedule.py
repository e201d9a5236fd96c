"""A payment schedule on a recovery case: the debtor proposes it through its link, the creditor answers.

The debtor proposes instalments (``schedules.schedule_problems``: they total
what is owed, on increasing days from today); the scenario keeps running and
the creditor is e-mailed. The creditor accepts (the scenario pauses, the case
is ``scheduled`` until an instalment is missed: the tick resumes it) or refuses
(the scenario goes on); the debtor is e-mailed either way, with its link.
E-mails go after the commit: a lost e-mail changes nothing stored. This module
sits above ``debtor.py`` (the link) and ``cases.py`` (the creditor's cases),
which neither may import the other way.
"""

from __future__ import annotations

from collections.abc import Sequence

from functions.core.domain import recovery
from functions.core.domain.members import Member
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.schedules import Instalment
from functions.core.french import format_eur, short_date
from functions.core.mailer import Message
from functions.core.mounts import space_url
from functions.core.resources import Resources
from functions.core.usecases.recovery.cases import by_creditor, change_case
from functions.core.usecases.recovery.debtor import DebtorView, case_link, debtor_view, open_case_link


def instalment_lines(instalments: Sequence[Instalment]) -> str:
    """``- 15/03/2026 : 1 200,00 €`` a line, as the e-mails list a schedule."""
    return "\n".join(f"- {short_date(i.due_on)} : {format_eur(i.amount_cents)}" for i in instalments)


def propose_schedule(res: Resources, token: str, *, instalments: Sequence[Instalment], text: str) -> DebtorView:
    """The debtor proposes a schedule: recorded on the timeline, the creditor asked to accept or refuse it."""
    case = open_case_link(res, token)
    actor = f"debtor:{case.debtor.siren}"
    saved = change_case(
        res,
        case.id,
        lambda current: recovery.schedule_proposed(
            current, instalments=instalments, text=text, now=res.clock(), actor=actor
        ),
        actor=actor,
        action="case.schedule_proposed",
    )
    assert saved is not None  # a transition returns the next case or raises
    res.mailer.send(
        Message(
            to=saved.creditor.email,
            subject=f"Facture {saved.invoice.number} : {saved.debtor.name} propose un échéancier",
            text=f"Bonjour,\n\n{saved.debtor.name} propose de régler la facture {saved.invoice.number} "
            f"({format_eur(saved.outstanding_cents)} restant dus) en {len(instalments)} échéance(s) :\n\n"
            f"{instalment_lines(instalments)}\n"
            + (f"\nSon message :\n\n{text}\n" if text else "")
            + "\nLes relances continuent tant que vous n'avez pas répondu. Acceptez l'échéancier (les relances "
            "sont suspendues tant que les échéances sont payées) ou refusez-le depuis la page du dossier :\n\n"
            f"{space_url(res.settings.base_url, 'member', f'/dossiers/{saved.id}')}\n\n"
            f"(Par l'API : POST /cases/{saved.id}/schedule/accept ou /refuse.)\n\nL'équipe Ardoise\n",
        )
    )
    return debtor_view(res, token)


def _tell_debtor(res: Resources, case: RecoveryCase, subject: str, text: str) -> None:
    """E-mail the debtor the creditor's answer, when the case has its address (a letter-only scenario has none)."""
    if not case.debtor.email:
        return
    res.mailer.send(
        Message(
            to=case.debtor.email,
            subject=subject,
            text=f"Bonjour,\n\n{text}\n\nVotre dossier : {case_link(res, case.id)}\n\nL'équipe Ardoise\n",
        )
    )


def accept_schedule(res: Resources, member: Member, case_id: str) -> RecoveryCase:
    """The creditor accepts the proposed schedule: reminders pause while the instalments are paid."""
    saved = by_creditor(
        res,
        member,
        case_id,
        lambda case, actor: recovery.schedule_accepted(case, res.clock(), actor),
        "case.schedule_accepted",
    )
    instalments = recovery.accepted_schedule(saved) or ()
    _tell_debtor(
        res,
        saved,
        f"Facture {saved.invoice.number} : votre échéancier est accepté",
        f"{saved.creditor.name} accepte votre échéancier pour la facture {saved.invoice.number} :\n\n"
        f"{instalment_lines(instalments)}\n\nLes relances sont suspendues tant que chaque échéance est payée "
        "à sa date. Une échéance manquée les fait reprendre.",
    )
    return saved


def refuse_schedule(res: Resources, member: Member, case_id: str) -> RecoveryCase:
    """The creditor refuses the proposed schedule: the scenario goes on as before."""
    saved = by_creditor(
        res,
        member,
        case_id,
        lambda case, actor: recovery.schedule_refused(case, res.clock(), actor),
        "case.schedule_refused",
    )
    _tell_debtor(
        res,
        saved,
        f"Facture {saved.invoice.number} : votre échéancier n'est pas accepté",
        f"{saved.creditor.name} n'accepte pas l'échéancier proposé pour la facture {saved.invoice.number}. "
        f"Il reste {format_eur(saved.outstanding_cents)} à régler ; vous pouvez payer, proposer un autre "
        "échéancier ou contester depuis votre dossier.",
    )
    return saved
