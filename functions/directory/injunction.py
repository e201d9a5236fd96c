"""HTTP routes of a case's court step: the injonction de payer, or the petites créances request, their PDF, and the
case's timestamped record (the piece the request lists last)."""

from __future__ import annotations

from typing import Literal

from flask import Response, request

from functions.core.domain.court_requests import PROCEDURE_LABELS, CourtRequest, Litigant, Procedure
from functions.core.domain.courts import Court, CourtProposal, court_table
from functions.core.domain.members import Member
from functions.core.http import Api, resources
from functions.core.usecases.recovery import court, timestamped_record
from functions.core.validation import Model
from functions.directory.auth import current_member
from functions.directory.injunction_schemas import (
    AmountsOut,
    CheckItemOut,
    CourtOut,
    CourtProposalOut,
    CourtRequestOut,
    CourtStepOut,
    ExhibitOut,
    InjunctionIn,
    LitigantOut,
    ProcedureDraftOut,
    interest_periods_out,
)

api = Api("injunction", tag="Recouvrement judiciaire")

# A request names both parties and their dealings: no shared cache keeps it.
PRIVATE = {"Cache-Control": "private, no-store"}


class CourtRequestPath(Model):
    # A literal, not the enum: the document writes a path parameter's schema inline (no $defs there).
    procedure: Literal["injonction_de_payer", "petites_creances"]


def _court_out(found: Court) -> CourtOut:
    return CourtOut(code=found.code, name=found.name, appeal_court=found.appeal_court, address=found.address)


def _proposal_out(proposal: CourtProposal) -> CourtProposalOut:
    return CourtProposalOut(
        departement=proposal.departement,
        basis=proposal.basis,
        candidates=[_court_out(c) for c in proposal.candidates],
        default=_court_out(proposal.default) if proposal.default else None,
        table_source=list(court_table().source),
    )


def _litigant_out(party: Litigant) -> LitigantOut:
    return LitigantOut(
        siren=party.siren, name=party.name, legal_form=party.legal_form, seat=party.seat, verified=party.verified
    )


def draft_out(found: CourtRequest) -> ProcedureDraftOut:
    penalties = found.penalties
    return ProcedureDraftOut(
        procedure=found.procedure,
        label=PROCEDURE_LABELS[found.procedure],
        court=_court_out(found.court) if found.court else None,
        appeal_court=found.appeal_court,
        creditor=_litigant_out(found.creditor),
        debtor=_litigant_out(found.debtor),
        amounts=AmountsOut(
            principal_cents=found.principal_cents,
            interest_cents=found.interest_cents,
            interest_until=penalties.until,
            interest_periods=interest_periods_out(penalties),
            indemnity_cents=found.indemnity_cents,
            total_cents=found.total_cents,
        ),
        basis=list(found.basis),
        exhibits=[ExhibitOut(number=e.number, title=e.title, detail=e.detail) for e in found.exhibits],
        checklist=[CheckItemOut(code=i.code, state=i.state, label=i.label, detail=i.detail) for i in found.checklist],
    )


def pdf_path(case_id: str, procedure: Procedure) -> str:
    return f"{request.root_path}/cases/{case_id}/injunction/{procedure.value}/pdf"


def request_out(found: CourtRequest) -> CourtRequestOut:
    return CourtRequestOut(
        **dict(draft_out(found)),  # the draft's fields, its nested models as they are
        case_id=found.case_id,
        prepared_at=found.prepared_at,
        commissaire=found.commissaire,
        pdf_url=pdf_path(found.case_id, found.procedure),
        pdf_sha256=found.pdf_sha256,
        pdf_size=found.pdf_size,
    )


def court_choice(body: InjunctionIn) -> court.CourtChoice:
    """The court the body confirms (the creditor's space shapes its form into the same body)."""
    typed = body.court
    return court.CourtChoice(
        code=(typed.code or "") if typed else "",
        name=(typed.name or "") if typed else "",
        address=(typed.address or "") if typed else "",
        appeal_court=(typed.appeal_court or "") if typed else "",
    )


@api.route(
    "/cases/<case_id>/court",
    "GET",
    summary="Préparer l'étape judiciaire d'un dossier resté impayé : la juridiction du siège du débiteur proposée "
    "par la table d'Ardoise (à confirmer), et pour chaque procédure possible le montant décomposé à ce jour, les "
    "pièces et la liste de contrôle. Rien n'est gardé.",
    responses={200: CourtStepOut},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def get_court_step(case_id: str, principal: Member) -> CourtStepOut:
    preview = court.court_preview(resources(), principal, case_id)
    return CourtStepOut(
        case_id=case_id,
        proposal=_proposal_out(preview.proposal),
        procedures=[draft_out(r) for r in preview.requests],
    )


@api.route(
    "/cases/<case_id>/injunction",
    "POST",
    summary="Préparer la requête en injonction de payer (CPC art. 1405 à 1407) pour la juridiction que vous "
    "confirmez, ou la lettre de demande de procédure simplifiée de recouvrement des petites créances (jusqu'à "
    "5 000 €) : gardée dans la chronologie du dossier, en PDF prêt à signer avec sa liste de contrôle.",
    body=InjunctionIn,
    responses={201: CourtRequestOut},
    headers={201: {"Location": "Adresse du PDF de la requête (GET)."}},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def prepare_injunction(
    case_id: str, principal: Member, body: InjunctionIn
) -> tuple[CourtRequestOut, int, dict[str, str]]:
    prepared = court.prepare(
        resources(),
        principal,
        case_id,
        body.procedure,
        choice=court_choice(body),
        signed_document=body.signed_document or "",
        commissaire=body.commissaire or "",
    )
    return request_out(prepared), 201, {"Location": pdf_path(case_id, prepared.procedure)}


@api.route(
    "/cases/<case_id>/injunction/<procedure>/pdf",
    "GET",
    summary="Le PDF de la dernière requête préparée pour cette procédure (injonction_de_payer ou petites_creances), "
    "à dater, signer et déposer avec ses pièces ; sa liste de contrôle en dernière page.",
    path=CourtRequestPath,
    responses={200: "application/pdf"},
    security="memberToken",
    problems=(403, 404),
    auth=current_member,
)
def get_injunction_pdf(case_id: str, procedure: str, principal: Member) -> Response:
    return pdf_response(*court.prepared_pdf(resources(), principal, case_id, Procedure(procedure)))


def pdf_response(prepared: CourtRequest, pdf: bytes, disposition: str = "inline") -> Response:
    """A prepared request's PDF, never cached; the creditor's space downloads it (``attachment``)."""
    name = f"{prepared.procedure.value.replace('_', '-')}-{prepared.case_id}"
    headers = {**PRIVATE, "Content-Disposition": f'{disposition}; filename="{name}.pdf"'}
    return Response(pdf, mimetype="application/pdf", headers=headers)


@api.route(
    "/cases/<case_id>/record",
    "GET",
    summary="Le relevé horodaté du dossier en PDF (la pièce que la requête en injonction de payer cite en "
    "dernier) : chaque événement de la chronologie avec sa date et son heure (Paris et UTC), son auteur et son "
    "canal, le destinataire et l'empreinte SHA-256 de chaque message envoyé, l'empreinte de chaque pièce, "
    "l'identité du dossier et ses montants à ce jour.",
    responses={200: "application/pdf"},
    security="memberToken",
    problems=(403, 404),
    auth=current_member,
)
def get_case_record(case_id: str, principal: Member) -> Response:
    filename, pdf = timestamped_record.record_pdf(resources(), principal, case_id)
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(pdf, mimetype="application/pdf", headers={**PRIVATE, **disposition})
