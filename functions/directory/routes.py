"""HTTP routes of the directory: parse, call a service, respond."""

from __future__ import annotations

from dataclasses import asdict
from typing import assert_never

from flask import Response, request

from functions.core.clock import today_in_paris
from functions.core.domain.documents import MEDIA_TYPES as DOCUMENT_TYPES
from functions.core.domain.documents import FiledDocument
from functions.core.domain.evidence import ACCEPTED_TYPES
from functions.core.domain.members import Member
from functions.core.domain.moderators import Moderator
from functions.core.domain.reports import Report, ReviewDecision
from functions.core.errors import FieldError, Problem, UnsupportedMediaType, ValidationFailed
from functions.core.http import FORM_TYPES, PROBLEM_MIMETYPE, Api, binary_body, resources
from functions.core.usecases.directory import (
    codes,
    documents,
    filing,
    invoice_status,
    listing,
    members,
    moderation,
    progress,
    replies,
    review,
)
from functions.core.validation import SirenPath
from functions.directory import pages, views
from functions.directory.auth import current_member, current_member_or_moderator, current_moderator
from functions.directory.schemas import (
    CompanyListing,
    CompanySearch,
    CompanySearchQuery,
    DebtorActionIn,
    DebtorReportOut,
    DisputeIn,
    DocumentRequest,
    DocumentUploadOut,
    EvidenceRequest,
    InvoiceStatusAnswer,
    InvoiceStatusIn,
    MemberCredentials,
    MemberDecisionIn,
    MemberOut,
    MemberPending,
    MemberRegistration,
    MemberVerification,
    ModerationIn,
    ModerationQuery,
    ModerationQueue,
    PaymentDeclarationIn,
    PaymentIn,
    PendingMembers,
    ReplyIn,
    ReportFiling,
    ReportOut,
    ReviewIn,
    ReviewQuery,
    ReviewQueue,
    UploadOut,
)

api = Api("directory", tag="Annuaire")


# -- members ---------------------------------------------------------------------


@api.route(
    "/members",
    "POST",
    summary="Inscrire un créancier (vérification par e-mail).",
    body=MemberRegistration,
    responses={202: MemberPending},
    problems=(429,),
)
def register_member(body: MemberRegistration) -> tuple[MemberPending, int]:
    member = members.register_member(
        resources(), siren=body.siren, company_name=body.company_name, contact_name=body.contact_name, email=body.email
    )
    detail = "Un code de vérification a été envoyé à votre adresse e-mail : envoyez-le à /members/verify."
    return MemberPending(id=member.id, siren=member.siren, status=member.status.value, detail=detail), 202


@api.route(
    "/members/verify",
    "POST",
    summary="Vérifier l'e-mail et recevoir le jeton d'accès (une seule fois).",
    body=MemberVerification,
    responses={201: MemberCredentials},
    problems=(404, 410),
)
def verify_member(body: MemberVerification) -> tuple[MemberCredentials, int]:
    credentials = members.verify_member(resources(), body.token)
    member = credentials.member
    assert member is not None
    out = MemberCredentials(
        member_id=member.id,
        siren=member.siren,
        company_name=member.company_name,
        api_token=credentials.token,
        status=member.status.value,
        detail=f"Adresse confirmée. Conservez ce jeton : {members.IDENTITY_CHECK}.",
    )
    return out, 201


def _member_out(member: Member) -> MemberOut:
    return MemberOut(
        id=member.id,
        siren=member.siren,
        company_name=member.company_name,
        contact_name=member.contact_name,
        email=member.email,
        status=member.status.value,
        created_at=member.created_at,
        verified_at=member.verified_at,
        decided_at=member.decided_at,
    )


@api.route(
    "/members/pending",
    "GET",
    summary="Lister les membres dont l'identité reste à vérifier, le plus ancien d'abord (modérateurs).",
    responses={200: PendingMembers},
    security="moderatorToken",
    problems=(403,),
    auth=current_moderator,
)
def pending_members(principal: Moderator) -> PendingMembers:
    return PendingMembers(items=[_member_out(m) for m in members.list_pending(resources())])


@api.route(
    "/members/<member_id>/approval",
    "POST",
    summary="Valider ou refuser un membre après vérification de l'identité de son entreprise (modérateurs).",
    body=MemberDecisionIn,
    responses={200: MemberOut},
    security="moderatorToken",
    problems=(403, 404, 409),
    auth=current_moderator,
)
def decide_member(member_id: str, principal: Moderator, body: MemberDecisionIn) -> MemberOut:
    member = members.decide_member(
        resources(), member_id, approved=body.decision == "approved", note=body.note, actor=f"moderator:{principal.id}"
    )
    return _member_out(member)


# -- reports (creditor) ------------------------------------------------------------


def filing_of(body: ReportFiling) -> filing.Filing:
    """The use case's filing from the API's body (the creditor's space shapes its form into the same body)."""
    steps, typed = body.amicable_steps, body.invoice
    return filing.Filing(
        claimed_creditor_siren=body.creditor_siren,
        debtor_siren=body.debtor.siren,
        debtor_name=body.debtor.name,
        debtor_email=body.debtor.email or "",
        debtor_postal_address=body.debtor.postal_address,
        invoice=filing.TypedInvoice(
            typed.number, typed.issue_date, typed.due_date, typed.amount_cents, typed.outstanding_cents
        ),
        reminder_dates=tuple(steps.reminder_dates),
        notice_date=steps.notice_date,
        notice_channel=steps.notice_channel,
        description=body.description,
        documents=tuple(body.documents),
    )


@api.route(
    "/documents",
    "POST",
    summary="Préparer l'envoi d'un document du créancier (facture, mise en demeure, preuve d'envoi ou "
    "d'engagement ; 5 Mo au plus), à citer ensuite dans le signalement.",
    body=DocumentRequest,
    responses={201: DocumentUploadOut},
    security="memberToken",
    problems=(403, 413, 422),
    auth=current_member,
)
def start_document(principal: Member, body: DocumentRequest) -> tuple[DocumentUploadOut, int]:
    document, upload = documents.declare_document(
        resources(), principal, kind=body.kind, filename=body.filename, content_type=body.content_type, size=body.size
    )
    return DocumentUploadOut(document_id=document.id, **asdict(upload)), 201


@api.route(
    "/documents/<document_id>",
    "PUT",
    summary="Envoyer le contenu d'un document (stockage local) : la taille et le type annoncés.",
    responses={204: None},
    security="memberToken",
    problems=(403, 404, 409, 413, 422),
    auth=current_member,
    raw_body=binary_body(DOCUMENT_TYPES),
)
def upload_document(document_id: str, principal: Member) -> tuple[str, int]:
    documents.receive_document(resources(), principal, document_id, request.get_data(cache=False))
    return "", 204


@api.route(
    "/reports",
    "POST",
    summary="Signaler une facture impayée après échec du recouvrement amiable, pièces à l'appui : le signalement "
    "attend la vérification d'un modérateur (under_review) avant que le débiteur en soit informé.",
    body=ReportFiling,
    responses={201: ReportOut},
    headers={201: {"Location": "Adresse du signalement créé (GET)."}},
    security="memberToken",
    problems=(403, 409, 422),
    auth=current_member,
)
def file_report(principal: Member, body: ReportFiling) -> tuple[ReportOut, int, dict[str, str]]:
    report = filing.file_report(resources(), principal, filing_of(body))
    return views.report_out(report), 201, {"Location": f"{request.root_path}/reports/{report.id}"}


@api.route(
    "/reports/<report_id>",
    "GET",
    summary="Lire un signalement (son créancier ou un modérateur).",
    responses={200: ReportOut},
    security="memberToken",
    problems=(403, 404),
    auth=current_member_or_moderator,
)
def get_report(report_id: str, principal: Member | Moderator) -> ReportOut:
    if isinstance(principal, Member):
        return views.report_out(progress.own_report(resources(), principal, report_id))
    return views.report_out(moderation.get_for_moderation(resources(), report_id))


@api.route(
    "/reports/<report_id>/payments",
    "POST",
    summary="Enregistrer un paiement reçu (partiel ou complet).",
    body=PaymentIn,
    responses={200: ReportOut},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def record_payment(report_id: str, principal: Member, body: PaymentIn) -> ReportOut:
    report = progress.record_payment(
        resources(), principal, report_id, amount_cents=body.amount_cents, paid_on=body.paid_on
    )
    return views.report_out(report)


@api.route(
    "/reports/<report_id>/invoice-status",
    "POST",
    summary="Transmettre un statut du cycle de vie de la facture électronique (code et date, ou message CDAR) : "
    "207 « En litige » ou 210 « Refusée » gèlent le signalement, 211 « Paiement transmis » ou 212 « Encaissée » "
    "le règlent, les autres sont enregistrés sans effet.",
    body=InvoiceStatusIn,
    responses={200: InvoiceStatusAnswer},
    security="memberToken",
    problems=(403, 404, 409, 422),
    auth=current_member,
)
def send_invoice_status(report_id: str, principal: Member, body: InvoiceStatusIn) -> InvoiceStatusAnswer:
    if body.cdar is not None and (body.code is not None or body.date is not None):
        raise ValidationFailed(
            "Deux formes à la fois.",
            [FieldError("cdar", "cdar_ou_code", "Envoyez soit le message CDAR, soit le code et la date du statut.")],
        )
    if body.cdar is None:
        missing = [name for name, value in (("code", body.code), ("date", body.date)) if value is None]
        if missing:
            raise ValidationFailed(
                "Certains champs manquent.",
                [
                    FieldError(name, "missing", "Indiquez le code et la date du statut, ou le message CDAR.")
                    for name in missing
                ],
            )
    received = invoice_status.receive_invoice_status(
        resources(),
        principal,
        report_id,
        code=body.code,
        on=body.date,
        note=body.note,
        cdar=body.cdar.encode() if body.cdar is not None else None,
    )
    return views.invoice_status_answer(received)


@api.route(
    "/reports/<report_id>/withdraw",
    "POST",
    summary="Retirer un signalement.",
    responses={200: ReportOut},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member,
)
def withdraw_report(report_id: str, principal: Member) -> ReportOut:
    return views.report_out(progress.withdraw_report(resources(), principal, report_id))


# -- the debtor's private link -------------------------------------------------------


@api.route(
    "/replies/<token>",
    "GET",
    summary="Voir le signalement par le lien personnel du débiteur (JSON, ou page HTML pour un navigateur).",
    responses={200: (DebtorReportOut, "text/html")},
    problems=(404, 410),
)
def get_reply_page(token: str) -> DebtorReportOut | Response:
    page = replies.debtor_page(resources(), token)
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return pages.reply_page(page, _debtor_documents(token))
    return views.debtor_report_out(page, _debtor_documents(token))


def _debtor_documents(token: str) -> str:
    return f"{request.root_path}/replies/{token}/documents"


@api.route(
    "/replies/<token>",
    "POST",
    summary="Contester, déclarer un paiement ou répondre (un corps par action).",
    body=DebtorActionIn,
    responses={200: DebtorReportOut},
    problems=(404, 409, 410, 422),
)
def act_on_reply(token: str, body: DebtorActionIn) -> DebtorReportOut:
    res = resources()
    match body.root:
        case DisputeIn() as asked:
            page = replies.dispute(
                res,
                token,
                reason=asked.reason,
                text=asked.text,
                evidence_ids=asked.evidence_ids,
                email=asked.email or "",
            )
        case PaymentDeclarationIn() as asked:
            page = replies.declare_payment(
                res,
                token,
                paid_on=asked.paid_on,
                amount_cents=asked.amount_cents,
                text=asked.text,
                evidence_ids=asked.evidence_ids,
                email=asked.email or "",
            )
        case ReplyIn() as asked:
            page = replies.reply(res, token, asked.text)
        case unknown:
            assert_never(unknown)
    return views.debtor_report_out(page, _debtor_documents(token))


@api.route(
    "/replies/<token>/evidence",
    "POST",
    summary="Préparer l'envoi d'une pièce (5 Mo au plus).",
    body=EvidenceRequest,
    responses={201: UploadOut},
    problems=(404, 409, 410, 413, 422),
)
def start_upload(token: str, body: EvidenceRequest) -> tuple[UploadOut, int]:
    evidence, upload = replies.start_upload(
        resources(), token, filename=body.filename, content_type=body.content_type, size=body.size
    )
    return UploadOut(evidence_id=evidence.id, **asdict(upload)), 201


@api.route(
    "/replies/<token>/evidence/<evidence_id>",
    "PUT",
    summary="Envoyer le contenu d'une pièce (stockage local) : la taille et le type annoncés.",
    responses={204: None},
    problems=(404, 409, 410, 413, 422),
    # The Content-Type announced when the upload was prepared; the bytes must have its size and look like it.
    raw_body=binary_body(ACCEPTED_TYPES),
)
def upload_evidence(token: str, evidence_id: str) -> tuple[str, int]:
    replies.receive_upload(resources(), token, evidence_id, request.get_data(cache=False))
    return "", 204


def _document_response(report: Report, document_id: str) -> Response:
    """A cited document's bytes, with the SHA-256 pinned at filing (409 if they changed since)."""
    document = documents.document_of(report, document_id)
    return document_download(document, documents.read_document(resources(), document))


def document_download(document: FiledDocument, content: bytes) -> Response:
    """A creditor's document as the debtor (or a moderator) downloads it: named by its id, its digest pinned."""
    return _attachment(content, document.content_type, document.id, document.sha256, {"Cache-Control": "no-store"})


def _attachment(
    content: bytes, mimetype: str, name: str, sha256: str, headers: dict[str, str] | None = None
) -> Response:
    """A stored file as a download named by its id, with the SHA-256 it was pinned with."""
    pinned = {"Content-Disposition": f'attachment; filename="{name}"', "X-Content-SHA256": sha256}
    return Response(content, mimetype=mimetype, headers={**pinned, **(headers or {})})


@api.route(
    "/replies/<token>/documents/<document_id>",
    "GET",
    summary="Télécharger une pièce fournie par le créancier (lien personnel du débiteur) ; 409 si elle a changé "
    "depuis le signalement.",
    responses={200: "application/octet-stream"},
    headers={200: {"X-Content-SHA256": "L'empreinte SHA-256 fixée au dépôt du signalement."}},
    problems=(404, 409, 410),
)
def download_document_as_debtor(token: str, document_id: str) -> Response:
    report, _ = replies.open_link(resources(), token)
    return _document_response(report, document_id)


# -- a letter's short code ------------------------------------------------------------


@api.route("/r", "GET", summary="Page où saisir le code d'un courrier (HTML).", responses={200: "text/html"})
def code_form() -> Response:
    return pages.code_page()


@api.route(
    "/r",
    "POST",
    summary="Ouvrir la page du débiteur avec le code de son courrier (formulaire ; 10 codes erronés par heure).",
    responses={303: None, 200: "text/html"},
    headers={303: {"Location": "La page personnelle du débiteur (son lien privé)."}},
    problems=(400, 404, 410, 415, 429),
    raw_body={media: {"type": "object", "properties": {"code": {"type": "string"}}} for media in FORM_TYPES},
)
def open_code() -> Response:
    if request.mimetype not in FORM_TYPES:
        raise UnsupportedMediaType("Envoyez le code par un formulaire (champ « code »).")
    typed = request.form.get("code", "")
    try:
        url = codes.open_code(resources(), typed, request.remote_addr or "")
    except Problem as problem:
        # A person at the page sees it again with what went wrong; a program gets the problem.
        if request.accept_mimetypes.best_match([PROBLEM_MIMETYPE, "text/html"]) == "text/html":
            return pages.code_page(problem, typed=typed[:20])
        raise
    return Response(
        status=303, headers={"Location": url, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    )


# -- moderation ----------------------------------------------------------------------


@api.route(
    "/moderation",
    "GET",
    summary="Lister les contestations en attente, la plus ancienne d'abord.",
    query=ModerationQuery,
    responses={200: ModerationQueue},
    security="moderatorToken",
    problems=(403,),
    auth=current_moderator,
)
def moderation_queue(principal: Moderator, query: ModerationQuery) -> ModerationQueue:
    reports, cursor = moderation.moderation_queue(resources(), limit=query.limit, cursor=query.cursor)
    return ModerationQueue(items=[views.report_out(r) for r in reports], next_cursor=cursor)


@api.route(
    "/reports/<report_id>/moderation",
    "POST",
    summary="Maintenir ou rejeter un signalement contesté.",
    body=ModerationIn,
    responses={200: ReportOut},
    security="moderatorToken",
    problems=(403, 404, 409),
    auth=current_moderator,
)
def moderate(report_id: str, principal: Moderator, body: ModerationIn) -> ReportOut:
    report = moderation.decide(resources(), principal, report_id, body.decision, body.note)
    return views.report_out(report)


@api.route(
    "/reports/<report_id>/evidence/<evidence_id>",
    "GET",
    summary="Télécharger une pièce du débiteur (modérateurs) ; 409 si elle a changé depuis la contestation.",
    responses={200: "application/octet-stream"},
    security="moderatorToken",
    problems=(403, 404, 409),
    auth=current_moderator,
)
def download_evidence(report_id: str, evidence_id: str, principal: Moderator) -> Response:
    res = resources()
    evidence, content, digest = replies.read_evidence(res, moderation.get_for_moderation(res, report_id), evidence_id)
    return _attachment(content, evidence.content_type, evidence.id, digest)


@api.route(
    "/reports/<report_id>/documents/<document_id>",
    "GET",
    summary="Télécharger un document du signalement (son créancier ou un modérateur) ; 409 s'il a changé depuis.",
    responses={200: "application/octet-stream"},
    headers={200: {"X-Content-SHA256": "L'empreinte SHA-256 fixée au dépôt du signalement."}},
    security="memberToken",
    problems=(403, 404, 409),
    auth=current_member_or_moderator,
)
def download_document(report_id: str, document_id: str, principal: Member | Moderator) -> Response:
    res = resources()
    if isinstance(principal, Member):
        report = progress.own_report(res, principal, report_id)
    else:
        report = moderation.get_for_moderation(res, report_id)
    return _document_response(report, document_id)


# -- review: a moderator checks the file before the debtor is told ----------------------


@api.route(
    "/reviews",
    "GET",
    summary="Lister les signalements à vérifier avant d'en prévenir le débiteur, le plus ancien d'abord (modérateurs).",
    query=ReviewQuery,
    responses={200: ReviewQueue},
    security="moderatorToken",
    problems=(403,),
    auth=current_moderator,
)
def review_queue(principal: Moderator, query: ReviewQuery) -> ReviewQueue:
    items, cursor = review.review_queue(resources(), limit=query.limit, cursor=query.cursor)
    root = request.root_path
    return ReviewQueue(
        items=[views.review_item_out(item, f"{root}/reports/{item.report.id}/documents") for item in items],
        next_cursor=cursor,
    )


@api.route(
    "/reports/<report_id>/review",
    "POST",
    summary="Approuver (l'avis part au débiteur, son délai commence) ou refuser, motif à l'appui (envoyé au "
    "créancier ; le débiteur n'en sait rien), un signalement à vérifier (modérateurs).",
    body=ReviewIn,
    responses={200: ReportOut},
    security="moderatorToken",
    problems=(403, 404, 409),
    auth=current_moderator,
)
def review_report(report_id: str, principal: Moderator, body: ReviewIn) -> ReportOut:
    report = review.review_report(
        resources(),
        report_id,
        approved=body.decision is ReviewDecision.APPROVED,
        reason=body.reason,
        actor=f"moderator:{principal.id}",
    )
    return views.report_out(report)


# -- public ---------------------------------------------------------------------------


@api.route(
    "/companies/<siren>",
    "GET",
    summary="Donner la fiche publique d'une entreprise.",
    path=SirenPath,
    responses={200: CompanyListing},
    problems=(404,),
)
def get_company(siren: str) -> CompanyListing:
    res = resources()
    page = listing.company_page(res, siren)
    return views.company_listing(page, today_in_paris(res.clock()))


@api.route(
    "/companies",
    "GET",
    summary="Chercher une entreprise par nom ou SIREN.",
    query=CompanySearchQuery,
    responses={200: CompanySearch},
)
def search_companies(query: CompanySearchQuery) -> CompanySearch:
    hits, cursor = listing.search_companies(resources(), query.q, limit=query.limit, cursor=query.cursor)
    return CompanySearch(items=[views.company_hit(hit) for hit in hits], next_cursor=cursor)
