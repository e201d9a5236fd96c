"""The court step of an unpaid case: prepare the injonction de payer or the petites créances request, draw its PDF."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from functions.core.domain import injunction
from functions.core.domain.court_requests import CourtRequest, Procedure
from functions.core.domain.courts import OTHER_COURT, Court, CourtProposal, court_table, departement_of, postal_code_in
from functions.core.domain.courts import propose_court as propose
from functions.core.domain.members import Member
from functions.core.domain.recovery import RecoveryCase
from functions.core.errors import FieldError, NotFound, RuleNotMet
from functions.core.resources import Resources
from functions.core.store import retry_on_conflict
from functions.core.usecases.identity import registry_view
from functions.core.usecases.recovery.cases import own_case
from functions.core.usecases.recovery.court_pdf import request_pdf


@dataclass(frozen=True)
class CourtChoice:
    """The court the creditor confirmed: a table code, or a court it types (``name``, ``address``)."""

    code: str = ""
    name: str = ""
    address: str = ""
    appeal_court: str = ""


def court_proposal(res: Resources, case: RecoveryCase) -> CourtProposal:
    """The table's courts for the debtor's seat: the registry's head office, else the typed postal address."""
    identity = res.store.registry.get_identity(case.debtor.siren)
    seat = identity.head_office if identity is not None else None
    if seat is not None:
        dept = departement_of(seat.city_code, seat.postal_code)
        return propose(court_table(), dept, f"siège au répertoire SIRENE ({seat.postal_code} {seat.city})")
    postal = postal_code_in(case.debtor.postal_address)
    return propose(
        court_table(), departement_of(postal_code=postal), f"adresse saisie ({postal or 'sans code postal'})"
    )


@dataclass(frozen=True)
class CourtPreview:
    """What the creditor reads before filing: the table's courts, and each procedure offered, composed as of now."""

    proposal: CourtProposal
    requests: tuple[CourtRequest, ...]


def _court(proposal: CourtProposal, choice: CourtChoice) -> Court:
    """The court the creditor confirmed: never the table's answer taken silently, the creditor confirms it."""
    if choice.name:
        return Court(OTHER_COURT, choice.name, choice.appeal_court, choice.address)
    if choice.code:
        court = court_table().by_code(choice.code)
        if court is None:
            raise RuleNotMet(
                "Juridiction inconnue.",
                [FieldError("court.code", "tribunal_inconnu", "Aucune juridiction de la table sous ce code.")],
            )
        return court
    if proposal.default is not None:
        # Worded for a person (the space shows it beside the field); a program reads the field and the candidates.
        message = f"Confirmez la juridiction proposée : {proposal.default.name} (code {proposal.default.code})."
    elif proposal.candidates:
        message = "Plusieurs juridictions possibles pour ce département : choisissez-en une."
    else:
        message = "La table d'Ardoise ne couvre pas ce département : indiquez le nom de la juridiction."
    raise RuleNotMet(
        "Confirmez la juridiction du siège du débiteur.",
        [FieldError("court", "tribunal_a_confirmer", message)],
        extra={"candidates": [{"code": c.code, "name": c.name} for c in proposal.candidates]},
    )


def _appeal_court(proposal: CourtProposal, court: Court | None, choice: CourtChoice) -> str:
    """The cour d'appel of the debtor's seat: typed, the court's, or the one all the département's courts share."""
    appeal = choice.appeal_court or (court.appeal_court if court else "")
    if not appeal and len({c.appeal_court for c in proposal.candidates}) == 1:
        appeal = proposal.candidates[0].appeal_court
    return appeal


def _compose(
    res: Resources,
    case: RecoveryCase,
    procedure: Procedure,
    court: Court | None,
    *,
    appeal_court: str,
    now: datetime,
    signed_document: str = "",
    commissaire: str = "",
) -> CourtRequest:
    debtor = registry_view(res, case.debtor.siren)
    return injunction.compose(
        procedure,
        case,
        creditor=res.store.registry.get_identity(case.creditor.siren),
        debtor=debtor.identity,
        proceeding=debtor.proceeding,
        # Whether BODACC ever told Ardoise of a proceeding of the debtor's (then the checklist cites its notices).
        proceeding_known=debtor.last_proceeding is not None,
        court=court,
        appeal_court=appeal_court,
        now=now,
        table=res.settings.ecb_rates,
        points=res.settings.penalty_points,
        signed_document=signed_document,
        commissaire=commissaire,
    )


def court_preview(res: Resources, member: Member, case_id: str) -> CourtPreview:
    """The court step as it would be prepared now, nothing kept: 409 unless unpaid, 422 when the registry refuses."""
    case = own_case(res, member, case_id)
    injunction.require_unpaid(case)
    now = res.clock()
    proposal = court_proposal(res, case)
    offered = injunction.offered_procedures(case, now, res.settings.ecb_rates, res.settings.penalty_points)
    court = proposal.default
    appeal = _appeal_court(proposal, court, CourtChoice())
    requests = tuple(
        _compose(
            res,
            case,
            procedure,
            court if procedure is Procedure.INJUNCTION else None,
            appeal_court=appeal,
            now=now,
        )
        for procedure in offered
    )
    return CourtPreview(proposal, requests)


def prepare(
    res: Resources,
    member: Member,
    case_id: str,
    procedure: Procedure,
    *,
    choice: CourtChoice,
    signed_document: str = "",
    commissaire: str = "",
) -> CourtRequest:
    """Compose the request from the case, draw its PDF, keep it on the timeline; return it with its digest."""
    actor = f"member:{member.id}"

    def attempt() -> CourtRequest:
        case = own_case(res, member, case_id)
        injunction.require_unpaid(case)
        now = res.clock()
        proposal = court_proposal(res, case)
        court = _court(proposal, choice) if procedure is Procedure.INJUNCTION else None
        request = _compose(
            res,
            case,
            procedure,
            court,
            appeal_court=_appeal_court(proposal, court, choice),
            now=now,
            signed_document=signed_document,
            commissaire=commissaire,
        )
        pdf = request_pdf(request)
        request = replace(request, pdf_sha256=hashlib.sha256(pdf).hexdigest(), pdf_size=len(pdf))
        after = injunction.request_prepared(case, request, now, actor)
        res.store.cases.save(case, after, actor=actor, action=f"case.{procedure.value}_prepared")
        return request

    return retry_on_conflict(attempt)


def prepared_pdf(res: Resources, member: Member, case_id: str, procedure: Procedure) -> tuple[CourtRequest, bytes]:
    """The last prepared request of ``procedure`` and its PDF, drawn again to the byte (404 when none)."""
    case = own_case(res, member, case_id)
    request = injunction.latest_request(case, procedure)
    if request is None:
        raise NotFound("Aucune requête de ce type n'a été préparée pour ce dossier.")
    pdf = request_pdf(replace(request, pdf_sha256="", pdf_size=0))
    return request, pdf
