"""The creditor's space, filing a report: one form in four steps, the same use case as ``POST /reports``.

The form is shaped into the API's own body (``ReportFiling``, amounts typed in
euros becoming cents) and validated by the same model; its three documents are
stored through the same use case as ``POST /documents`` (``store_document``),
then cited by ``file_report``, which checks every filing rule. Each problem is
shown beside its field, under the API's name for it (``invoice.due_date``).
Nothing is stored until the form's own fields are valid, so a form sent back
with errors leaves no document behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from flask import Response, request
from pydantic import ValidationError
from werkzeug.datastructures import FileStorage

from functions.core.domain.documents import KIND_LABELS, DocumentKind
from functions.core.domain.members import Member
from functions.core.domain.reports import NoticeChannel
from functions.core.errors import Problem
from functions.core.french import parse_euros
from functions.core.http import resources
from functions.core.identifiers import is_valid_siren, is_valid_siret
from functions.core.spaces import field_messages, page, see_other, signed_in_only
from functions.core.store.documents import DeclaredDocument
from functions.core.usecases.directory import documents, filing, listing, members
from functions.core.usecases.directory.einvoice_check import CitedInvoice, read_cited_einvoice
from functions.core.usecases.signin import SignedIn
from functions.core.validation import field_errors
from functions.directory.routes import filing_of
from functions.directory.schemas import CompanySearchQuery, ReportFiling
from functions.directory.space import registry_card, signed_in_member, space

TITLE = "Signaler une facture impayée"
CHANNELS = {
    NoticeChannel.REGISTERED_LETTER: "lettre recommandée avec accusé de réception",
    NoticeChannel.EMAIL_WITH_RECEIPT: "e-mail avec accusé de réception",
    NoticeChannel.BAILIFF: "acte d'un commissaire de justice",
}
# The form's file fields, one per document every filing needs.
FILES = {
    "document.invoice": DocumentKind.INVOICE,
    "document.formal_notice": DocumentKind.FORMAL_NOTICE,
    "document.notice_proof": DocumentKind.NOTICE_PROOF,
}
# The hidden field that carries the id of the e-invoice stored when it was read.
READ_INVOICE = "document.invoice.id"
TEXT_FIELDS = (
    "debtor.siren",
    "debtor.name",
    "debtor.email",
    "debtor.postal_address",
    "invoice.number",
    "invoice.issue_date",
    "invoice.due_date",
    "invoice.amount",
    "invoice.outstanding",
    "amicable_steps.reminder_1",
    "amicable_steps.reminder_2",
    "amicable_steps.notice_date",
    "amicable_steps.notice_channel",
    "description",
)
# The API's names of fields the form types otherwise (euros, not cents; one input per reminder).
FORM_NAMES = {
    "invoice.amount_cents": "invoice.amount",
    "invoice.outstanding_cents": "invoice.outstanding",
    "amicable_steps.reminder_dates": "amicable_steps.reminder_1",
}


def _form_page(
    who: SignedIn,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    **context: Any,
) -> Response:
    values = values or {name: request.form.get(name, "") for name in (*TEXT_FIELDS, SEARCH_FIELD)}
    files = [(name, KIND_LABELS[kind]) for name, kind in FILES.items()]
    # The e-invoice already read and stored (« Lire la facture électronique ») is cited by its id, not sent again.
    context.setdefault("invoice_document", request.form.get(READ_INVOICE, "").strip())
    return page(
        "espace/signaler.html", status, title=TITLE, who=who, errors=errors or {}, values=values, files=files,
        channels=CHANNELS, **context,
    )  # fmt: skip


def _body(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The API's body from the form's fields; an amount that is not in euros is an error beside its field.

    An invoice's field left blank is left out, as the API allows: a cited e-invoice gives it, or the
    use case answers that it is missing.
    """
    errors: dict[str, str] = {}
    invoice: dict[str, Any] = {
        key: form[f"invoice.{key}"] for key in ("number", "issue_date", "due_date") if form[f"invoice.{key}"]
    }
    for name, key in (("invoice.amount", "amount_cents"), ("invoice.outstanding", "outstanding_cents")):
        if not form[name]:
            continue
        cents = parse_euros(form[name])
        if cents is None:
            errors[name] = "Montant non reconnu : écrivez-le en euros, par exemple 1 250,50."
        else:
            invoice[key] = cents
    debtor = {
        "siren": form["debtor.siren"],
        "name": form["debtor.name"],
        "postal_address": form["debtor.postal_address"],
    }
    if form["debtor.email"]:
        debtor["email"] = form["debtor.email"]
    reminders = [form[f"amicable_steps.reminder_{n}"] for n in (1, 2) if form[f"amicable_steps.reminder_{n}"]]
    steps: dict[str, Any] = {"reminder_dates": reminders}
    if form["amicable_steps.notice_date"]:
        steps["notice_date"] = form["amicable_steps.notice_date"]
    if form["amicable_steps.notice_channel"]:
        steps["notice_channel"] = form["amicable_steps.notice_channel"]
    body = {"debtor": debtor, "invoice": invoice, "amicable_steps": steps, "description": form["description"]}
    return body, errors


def _named(errors: dict[str, str]) -> dict[str, str]:
    named: dict[str, str] = {}
    for name, message in errors.items():
        field = FORM_NAMES.get(name, name)
        if field.startswith("amicable_steps.reminder_dates."):
            field = "amicable_steps.reminder_1"
        named.setdefault(field, message)
    return named


# -- the debtor by SIREN or by name -----------------------------------------------------

SEARCH_FIELD = "debtor.search"
CHOICE_FIELD = "debtor.choice"
SEARCH_LIMIT = 10


@dataclass(frozen=True)
class DebtorHit:
    """A company the creditor may pick as its debtor: what fills the form's step 1."""

    siren: str
    name: str
    address: str
    where: str  # "répertoire SIRENE" or "annuaire Ardoise"


def _registry_hit(siren: str) -> DebtorHit | None:
    card = registry_card(siren)
    if not card["known"]:
        return None
    return DebtorHit(siren, "" if card["withheld"] else card["name"], card["address"], "répertoire SIRENE")


def debtor_hits(query: str) -> list[DebtorHit]:
    """A SIREN (or SIRET) read in the registry; a name searched as ``GET /companies`` does (``search_companies``)."""
    digits = "".join(query.split())
    if len(digits) == 14 and is_valid_siret(digits):
        digits = digits[:9]
    if len(digits) == 9 and is_valid_siren(digits):
        hit = _registry_hit(digits)
        if hit is not None:
            return [hit]
    found, _ = listing.search_companies(resources(), query, limit=SEARCH_LIMIT)
    return [DebtorHit(h.siren, h.name, h.city, "annuaire Ardoise") for h in found]


@space.post("/signaler/debiteur")
@signed_in_only
def find_debtor(who: SignedIn) -> Response:
    """Step 1's « Chercher » and its choices: the form again, the debtor found or chosen (nothing stored)."""
    values = {name: request.form.get(name, "").strip() for name in (*TEXT_FIELDS, SEARCH_FIELD)}
    chosen = request.form.get(CHOICE_FIELD, "").strip()
    if chosen:
        hits = [hit for hit in debtor_hits(chosen) if hit.siren == chosen]
        if hits:
            hit = hits[0]
            values.update({"debtor.siren": hit.siren, "debtor.name": hit.name or values["debtor.name"]})
            if hit.where == "répertoire SIRENE" and hit.address:
                values["debtor.postal_address"] = hit.address
        return _form_page(who, values=values, chosen=hits[0] if hits else None)
    query = values[SEARCH_FIELD]
    try:
        CompanySearchQuery.model_validate({"q": query})
    except ValidationError:
        message = "Tapez un SIREN (9 chiffres) ou au moins deux lettres du nom du débiteur."
        return _form_page(who, 400, {SEARCH_FIELD: message}, values=values)
    return _form_page(who, values=values, hits=debtor_hits(query))


# -- an e-invoice fills the form ---------------------------------------------------------


def _euros(cents: int) -> str:
    """Cents as a person types euros in the form (``1250,00``), read back by ``parse_euros``."""
    return f"{cents // 100},{cents % 100:02d}"


@space.post("/signaler/facture")
@signed_in_only
def read_invoice(who: SignedIn) -> Response:
    """« Lire la facture électronique »: the invoice stored as ``POST /documents`` stores it, read as a filing
    reads a cited e-invoice (``read_cited_einvoice``), and its terms fill the form's empty fields."""
    member = signed_in_member(who)
    members.require_approved(member)
    values = {name: request.form.get(name, "").strip() for name in (*TEXT_FIELDS, SEARCH_FIELD)}
    upload = request.files.get("document.invoice")
    if upload is None or not upload.filename:
        return _form_page(who, 400, {"document.invoice": "Joignez ici la facture électronique à lire."}, values=values)
    try:
        document, content = store_upload(member, DocumentKind.INVOICE, upload)
        cited = CitedInvoice("document.invoice", document.key, document.content_type, content, _digest(content))
        einvoice, problems = read_cited_einvoice(resources(), cited)
    except Problem as problem:
        if not problem.errors:
            raise
        return _form_page(who, problem.status, {"document.invoice": problem.errors[0].message}, values=values)
    if problems:
        return _form_page(who, 422, {"document.invoice": problems[0].message}, values=values)
    if einvoice is None:
        message = "Ce fichier n'est pas une facture électronique (Factur-X, UBL ou CII) : remplissez les champs."
        return _form_page(who, 422, {"document.invoice": message}, values=values)
    read = {
        "invoice.number": einvoice.number,
        "invoice.issue_date": einvoice.issue_date.isoformat(),
        "invoice.due_date": einvoice.due_date.isoformat() if einvoice.due_date else "",
        "invoice.amount": _euros(einvoice.amount_due_cents),
        "invoice.outstanding": _euros(einvoice.amount_due_cents),
        "debtor.siren": einvoice.buyer_siren or "",
    }
    filled = [name for name, value in read.items() if value and not values[name]]
    values.update({name: read[name] for name in filled})
    return _form_page(who, values=values, einvoice_read=einvoice, filled=filled, invoice_document=document.id)


def store_upload(member: Member, kind: DocumentKind, upload: FileStorage) -> tuple[DeclaredDocument, bytes]:
    """A form's file stored as ``POST /documents`` stores it (declared, then received); it and its bytes.

    A file refused (too large, not of the declared type) raises the use case's problem: its words go beside the
    field (:func:`refusal`).
    """
    content = upload.read()
    document = documents.store_document(
        resources(), member, kind=kind, filename=upload.filename or kind.value,
        content_type=upload.mimetype or "application/octet-stream", content=content,
    )  # fmt: skip
    return document, content


def refusal(problem: Problem) -> str:
    """What a refused upload's problem says, in one message beside its field."""
    return " ".join([e.message for e in problem.errors] or [problem.detail or problem.title])


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@space.get("/signaler")
@signed_in_only
def filing_form(who: SignedIn) -> Response:
    return _form_page(who)


@space.post("/signaler")
@signed_in_only
def file_report(who: SignedIn) -> Response:
    """File the report as ``POST /reports`` does (its documents stored first, as ``POST /documents``)."""
    member = signed_in_member(who)
    members.require_approved(member)
    form = {name: request.form.get(name, "").strip() for name in TEXT_FIELDS}
    raw, errors = _body(form)
    try:
        body = ReportFiling.model_validate(raw)
    except ValidationError as exc:
        errors = {**field_messages(field_errors(exc)), **errors}
    uploads = {name: request.files.get(name) for name in FILES}
    stored = []
    already_read = request.form.get(READ_INVOICE, "").strip()
    if already_read and not getattr(uploads["document.invoice"], "filename", ""):
        # Stored when it was read: cited as is (``cite_documents`` checks it is this member's and uncited).
        del uploads["document.invoice"]
        stored.append(already_read)
    for name, upload in uploads.items():
        if upload is None or not upload.filename:
            errors.setdefault(name, f"Joignez ce document : {KIND_LABELS[FILES[name]].lower()}.")
    if errors:
        return _form_page(who, 400, _named(errors))
    for name, upload in uploads.items():
        assert upload is not None and upload.filename  # checked above
        try:
            document, _ = store_upload(member, FILES[name], upload)
        except Problem as problem:
            return _form_page(who, problem.status, {name: refusal(problem)})
        stored.append(document.id)
    body = body.model_copy(update={"documents": stored})
    try:
        report = filing.file_report(resources(), member, filing_of(body))
    except Problem as problem:
        if not problem.errors:
            raise
        return _form_page(who, problem.status, _named(field_messages(problem.errors)))
    return see_other(f"/signalements/{report.id}?enregistre=depot")
