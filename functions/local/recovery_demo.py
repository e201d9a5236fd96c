"""Demo recovery cases for the directory's creditor: one at each state, through the use cases at their dates.

The demo member (``var/demo-member-token``) opens cases on other demo
companies' unpaid invoices at past dates, and the tick runs each morning
in between (a fixed clock per step, as in ``directory_demo.py``), so that the
e-mails, the letters' PDFs (in the outbox, to the creditor) and the timelines
are real: one case ended unpaid after its formal notice (ready to file), one
filed as a report from the case (opened with its invoice's PDF, its notice's
receipt joined, under the moderators' review), one taken to court (opened with
its invoice's PDF, its notice's receipt joined, the requête en injonction de
payer prepared), one whose notice is running, one paid after its first
reminder, one withdrawn, one with its first reminder sent, one just opened, one
whose debtor contested, one whose debtor declared a payment, one on a payment
schedule the creditor accepted (its first instalment paid), one whose
schedule missed its first instalment (the reminders resumed, the firm one sent,
the notice next), and one on the member's own scenario (an SMS, then a formal
notice by e-mail), whose SMS the next tick sends (``var/sms``). The debtor's
moves go through its use cases (its private link's token), the creditor's
answers through theirs.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

from functions.core.clock import PARIS, today_in_paris
from functions.core.domain.companies import Company
from functions.core.domain.court_requests import Procedure
from functions.core.domain.documents import DocumentKind
from functions.core.domain.members import Member
from functions.core.domain.reports import DisputeReason
from functions.core.domain.rules import Draft
from functions.core.domain.scenarios import DEFAULT_SCENARIO, Anchor, Channel, Step, StepKind
from functions.core.domain.schedules import Instalment
from functions.core.french import format_eur
from functions.core.resources import Resources
from functions.core.store.documents import DeclaredDocument
from functions.core.usecases.directory import documents
from functions.core.usecases.recovery import case_report, cases, court, debtor, scenarios, schedule
from functions.core.usecases.recovery.channels import PDF
from functions.core.usecases.recovery.progress import run_due_cases
from functions.local.directory_demo import CREDITOR, resources_at


def _opening(
    res: Resources, member: Member, debtor: Company, *, number: str, cents: int, due_days_ago: int
) -> cases.CaseOpening:
    due = today_in_paris(res.clock()) - timedelta(days=due_days_ago)
    slug = debtor.name.split()[0].lower()
    draft = Draft(
        member_siren=member.siren,
        claimed_creditor_siren=None,
        debtor_siren=debtor.siren,
        debtor_email=f"compta@{slug}-{debtor.siren[:3]}.example",
        debtor_postal_address=f"{debtor.address}, {debtor.postal_code} {debtor.city}",
        issue_date=due - timedelta(days=30),
        due_date=due,
        amount_cents=cents,
        outstanding_cents=cents,
        reminder_dates=(),
        notice_date=None,
        notice_channel=None,
    )
    return cases.CaseOpening.of_draft(draft, debtor.name, number, debtor_phone="+33612345678", description="Démo.")


def seed_cases(res: Resources, companies: list[Company]) -> dict[str, Any]:
    """Open the demo cases and move each one to its state; return their ids."""
    member = res.store.members.list_members(CREDITOR[0])[0]
    debtors = companies[20:26]
    now = res.clock()
    own = scenarios.create_scenario(
        resources_at(res, now - timedelta(days=30)),
        member,
        name="SMS puis mise en demeure par e-mail",
        steps=(
            Step(
                "SMS de rappel",
                StepKind.REMINDER,
                Channel.SMS,
                2,
                Anchor.DUE_DATE,
                "Facture {facture}",
                "{creancier} : la facture {facture} ({reste_du}) est échue depuis le {echeance}. Merci de la régler.",
            ),
            Step(
                "Mise en demeure",
                StepKind.FORMAL_NOTICE,
                Channel.EMAIL,
                10,
                Anchor.PREVIOUS_STEP,
                DEFAULT_SCENARIO.steps[-1].subject,
                DEFAULT_SCENARIO.steps[-1].body,
                deadline_days=10,
            ),
        ),
    )
    # (days ago, name, debtor, invoice number, amount, days the invoice was due before the case opened)
    openings = [
        (40, "unpaid_after_notice", debtors[0], "FA-2025-1408", 2_760_00, 1),
        (40, "filed_as_report", companies[27], "FA-2025-1411", 3_180_00, 1),
        (40, "injunction_prepared", companies[31], "FA-2025-1415", 1_860_00, 1),
        (20, "scheduled", companies[28], "FA-2026-0031", 2_400_00, 1),
        (18, "schedule_missed", companies[32], "FA-2026-0044", 1_500_00, 1),
        (12, "contested", companies[29], "FA-2026-0052", 1_150_00, 1),
        (9, "payment_declared", companies[30], "FA-2026-0066", 720_00, 1),
        (22, "notice_sent", debtors[1], "FA-2026-0012", 4_150_00, 1),
        (10, "paid", debtors[2], "FA-2026-0071", 1_480_00, 1),
        (10, "withdrawn", debtors[3], "FA-2026-0078", 860_00, 2),
        (7, "first_reminder_sent", debtors[4], "FA-2026-0084", 1_920_00, 1),
        (0, "just_opened", debtors[5], "FA-2026-0090", 3_240_00, 2),
    ]
    opened: dict[str, str] = {}
    # Day by day, as the creditor and the tick would: cases opened at their date, the tick at 9:30 each morning.
    for days_ago in range(40, -1, -1):
        day = resources_at(res, now - timedelta(days=days_ago))
        for when, name, company, number, cents, due in openings:
            if when == days_ago:
                opening = _opening(day, member, company, number=number, cents=cents, due_days_ago=due)
                if name in OPENED_WITH_INVOICE:
                    opening = replace(opening, documents=(_invoice(day, member, number).id,))
                opened[name] = cases.open_case(day, member, opening).id
        if days_ago == 5:
            cases.record_payment(
                day, member, opened["paid"], amount_cents=1_480_00, paid_on=today_in_paris(now) - timedelta(days=6)
            )
        if days_ago == 8:
            cases.withdraw_case(day, member, opened["withdrawn"])
        _debtor_moves(day, member, opened, days_ago)
        morning = datetime.combine(today_in_paris(day.clock()), time(9, 30), PARIS)
        if morning <= now:
            run_due_cases(resources_at(res, morning))
    sms_opening = replace(
        _opening(res, member, companies[26], number="FA-2026-0093", cents=640_00, due_days_ago=1), scenario_id=own.id
    )
    opened["running_with_member_scenario"] = cases.open_case(res, member, sms_opening).id
    opened["report_from_case"] = _file_from_case(res, member, opened["filed_as_report"])
    _prepare_injunction(res, member, opened["injunction_prepared"])
    return {"member_scenario": own.id, **opened}


def _debtor_moves(day: Resources, member: Member, opened: dict[str, str], days_ago: int) -> None:
    """What the demo's debtors do on their cases, on their day: contest, declare a payment, agree a schedule."""
    today = today_in_paris(day.clock())
    if days_ago == 5:
        debtor.contest(
            day,
            debtor.case_token(day, opened["contested"]),
            reason=DisputeReason.WRONG_AMOUNT,
            text="La remise de 10 % convenue au devis n'a pas été déduite.",
        )
    if days_ago == 2:
        debtor.declare_payment(
            day,
            debtor.case_token(day, opened["payment_declared"]),
            amount_cents=720_00,
            paid_on=today,
            text="Virement émis ce matin depuis notre banque.",
        )
    if days_ago == 12:
        # Two instalments: the first one paid a week later, the second one still to come.
        _agree_schedule(day, member, opened["scheduled"], today + timedelta(days=7), 1_200_00, 1_200_00)
    if days_ago == 4:
        cases.record_payment(day, member, opened["scheduled"], amount_cents=1_200_00, paid_on=today - timedelta(days=1))
    if days_ago == 15:
        # Two halves, the first one never paid: missed six days ago, the scenario resumed.
        _agree_schedule(day, member, opened["schedule_missed"], today + timedelta(days=3), 750_00, 750_00)


def _agree_schedule(day: Resources, member: Member, case_id: str, first: date, *amounts: int) -> None:
    """The debtor proposes monthly instalments from ``first`` by its link; the creditor accepts them the same day."""
    instalments = [Instalment(first + timedelta(days=30 * n), cents) for n, cents in enumerate(amounts)]
    words = " et ".join(format_eur(cents) for cents in amounts)
    token = debtor.case_token(day, case_id)
    schedule.propose_schedule(day, token, instalments=instalments, text=f"Nous proposons {words}.")
    schedule.accept_schedule(day, member, case_id)


RECEIPT = b"%PDF-1.4\n% Demo - avis de reception LRAR 1A 000 000 0000 0\n%%EOF\n"
# The cases opened with their invoice's PDF: the report filed from one, the court request of the other, and
# their debtors' pages, carry it without a second upload.
OPENED_WITH_INVOICE = ("filed_as_report", "injunction_prepared")


def _invoice(res: Resources, member: Member, number: str) -> DeclaredDocument:
    """The invoice's PDF, stored as the creditor's space stores the opening form's file."""
    content = f"%PDF-1.4\n% Demo - facture {number}\n%%EOF\n".encode()
    return documents.store_document(
        res, member, kind=DocumentKind.INVOICE, filename=f"facture-{number}.pdf", content_type=PDF, content=content
    )


def _join_notice_receipt(res: Resources, member: Member, case_id: str) -> None:
    """Join the receipt of the notice letter the creditor posted, as the creditor's space does."""
    case = cases.own_case(res, member, case_id)
    notice = next(e.step for e in case.sent_steps() if e.message is not None and e.message.channel is Channel.LETTER)
    assert notice is not None  # the default scenario's formal notice is a letter
    receipt = documents.store_document(
        res, member, kind=DocumentKind.NOTICE_PROOF, filename="accuse-reception.pdf", content_type=PDF, content=RECEIPT
    )
    cases.join_dispatch_proof(res, member, case_id, step=notice, document_id=receipt.id)


def _file_from_case(res: Resources, member: Member, case_id: str) -> str:
    """Join the notice letter's receipt, then file the report from the unpaid case, as the creditor's space does
    (the invoice comes from the case, opened with it)."""
    _join_notice_receipt(res, member, case_id)
    return case_report.file_from_case(res, member, case_id).id


def _prepare_injunction(res: Resources, member: Member, case_id: str) -> None:
    """Join the notice's receipt, then prepare the injonction de payer before the court the table proposes."""
    _join_notice_receipt(res, member, case_id)
    case = cases.own_case(res, member, case_id)
    proposal = court.court_proposal(res, case)
    proposed = proposal.default or next(iter(proposal.candidates), None)
    assert proposed is not None  # this demo debtor's seat is in a département the court table covers
    court.prepare(
        res,
        member,
        case_id,
        Procedure.INJUNCTION,
        choice=court.CourtChoice(code=proposed.code),  # the creditor confirms the table's court
        signed_document="Bon de commande n° BC-2025-0917 signé par le débiteur le 3 septembre 2025",
    )
