"""HTTP routes from a recovery case onwards: its report filed in one step, and the member's recovery figures."""

from __future__ import annotations

from flask import request

from functions.core.domain.members import Member
from functions.core.domain.recovery_figures import RecoveryFigures
from functions.core.http import Api, resources
from functions.core.usecases.recovery import case_report, figures
from functions.directory import views
from functions.directory.auth import current_member
from functions.directory.case_report_schemas import (
    CaseFiguresOut,
    CaseReportIn,
    RecoveryFiguresOut,
    StepShareOut,
)
from functions.directory.schemas import ReportOut

api = Api("case_report", tag="Recouvrement amiable")


@api.route(
    "/cases/<case_id>/report",
    "POST",
    summary="Signaler la facture d'un dossier resté impayé au terme de sa mise en demeure : relances, mise en "
    "demeure et preuves d'envoi viennent du dossier tenu par Ardoise ; le signalement attend la vérification "
    "de la modération, comme POST /reports et selon les mêmes règles.",
    body=CaseReportIn,
    responses={201: ReportOut},
    headers={201: {"Location": "Adresse du signalement créé (GET)."}},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def file_case_report(case_id: str, principal: Member, body: CaseReportIn) -> tuple[ReportOut, int, dict[str, str]]:
    report = case_report.file_from_case(
        resources(), principal, case_id, documents=body.documents, description=body.description
    )
    return views.report_out(report), 201, {"Location": f"{request.root_path}/reports/{report.id}"}


def figures_out(found: RecoveryFigures) -> RecoveryFiguresOut:
    return RecoveryFiguresOut(
        cases_count=len(found.cases),
        paid_in_full=found.paid_in_full,
        claimed_cents=found.claimed_cents,
        recovered_cents=found.recovered_cents,
        recovered_percent=found.recovered_share,
        average_days_to_payment=found.average_days_to_payment,
        by_step=[
            StepShareOut(
                position=s.position,
                label=s.label,
                recovered_cents=s.recovered_cents,
                payments=s.payments,
                share_percent=s.share,
            )
            for s in found.by_step
        ],
        cases=[
            CaseFiguresOut(
                case_id=c.case_id,
                invoice_number=c.invoice_number,
                debtor_name=c.debtor_name,
                status=c.status,
                claimed_cents=c.claimed_cents,
                recovered_cents=c.recovered_cents,
                days_from_opening=c.days_from_opening,
                days_past_due=c.days_past_due,
                paid_after=c.paid_after,
            )
            for c in found.cases
        ],
    )


@api.route(
    "/cases/figures",
    "GET",
    summary="Vos chiffres du recouvrement amiable : montants recouvrés, jours jusqu'au paiement par dossier, part "
    "recouvrée après chaque étape.",
    responses={200: RecoveryFiguresOut},
    security="memberToken",
    problems=(403,),
    auth=current_member,
)
def get_figures(principal: Member) -> RecoveryFiguresOut:
    return figures_out(figures.member_figures(resources(), principal))
