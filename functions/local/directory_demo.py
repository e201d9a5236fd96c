"""Demo reports for the directory: one of each state the visibility rule tells apart.

Every report is filed with its documents (the invoice, the formal notice and
its registered letter's receipt, as generated PDFs) and checked by the demo
moderator before its debtor is told; one still waits for that check (its
invoice a Factur-X PDF, whose dates and amount the filing left out: the
moderator sees the e-invoice's cross-check) and one was refused (its creditor
told why, its debtor never). Listed (one with the debtor's public reply and a partial payment), a dispute in
moderation from the grace period, a listed report frozen by its e-invoice's
lifecycle (a CDAR message saying 207 "En litige"), a report rejected by the
moderator after it was listed, one settled, one paid down to 10 EUR (unlisted), one withdrawn
before publication and two still in their grace period (one notified by post,
with a short code). Only the listed ones are public; the settled and the
unlisted stay in the subscribers' history (``functions/core/domain/visibility.py``).

Everything goes through the directory's use cases at its own date (a fixed
clock per step), exactly as members, debtors, the tick and a moderator would,
so the notices, the audit log and the aggregates are real. The member's and
the moderator's tokens are kept in ``var/`` so that a newcomer can try the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from functions.core.clock import FixedClock
from functions.core.domain.companies import Company
from functions.core.domain.documents import DocumentKind
from functions.core.domain.evidence import PDF
from functions.core.domain.members import Member
from functions.core.domain.moderators import Moderator
from functions.core.domain.reports import DisputeReason, ModerationDecision, NoticeChannel
from functions.core.domain.rules import Draft
from functions.core.french import format_eur, short_date
from functions.core.pdf import TextPdf
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.text import fold
from functions.core.tokens import grouped_code
from functions.core.usecases.directory import (
    documents,
    filing,
    invoice_status,
    members,
    moderation,
    progress,
    replies,
    review,
)
from functions.core.usecases.directory.notices import code_page, issue_reply_link, notice_code

ACTOR = "system:demo"
CREDITOR = ("732829320", "Menuiserie Durand SARL", "Claire Durand", "compta@menuiserie-durand.fr")


def resources_at(res: Resources, moment: datetime) -> Resources:
    """The same store, mailer and settings, with the clock standing at ``moment``."""
    clock = FixedClock(moment)
    return Resources(res.settings, store=Store(res.store.backend, clock), mailer=res.mailer, clock=clock)


class _Inbox:
    """Keep the last message sent (verification codes are read back from it)."""

    def __init__(self, mailer: Any) -> None:
        self.mailer, self.last = mailer, ""

    def send(self, message: Any) -> str:
        self.last = message.text
        return str(self.mailer.send(message))


def _member(res: Resources) -> tuple[Member, str]:
    inbox = _Inbox(res.mailer)
    local = Resources(res.settings, store=res.store, mailer=inbox, clock=res.clock)
    siren, name, contact, email = CREDITOR
    members.register_member(local, siren=siren, company_name=name, contact_name=contact, email=email)
    code = re.findall(r"ard_ver_[A-Za-z0-9_-]+", inbox.last)[0]
    credentials = members.verify_member(local, code)
    assert credentials.member is not None
    # The demo creditor's identity counts as checked, so that `make run` can file reports at once.
    member = members.decide_member(local, credentials.member.id, approved=True, note="", actor=ACTOR)
    return member, credentials.token


@dataclass(frozen=True)
class _Invoice:
    number: str
    amount_cents: int
    due_days_ago: int


def _pdf(title: str, *lines: str) -> bytes:
    doc = TextPdf(title=title, author=CREDITOR[1])
    doc.heading(title)
    for line in lines:
        doc.paragraph(line, after=8)
    return doc.to_bytes()


def _documents(
    res: Resources, member: Member, debtor: Company, invoice: _Invoice, draft: Draft, *, einvoice: bool = False
) -> tuple[str, ...]:
    """The creditor's documents of a demo report: its invoice, the formal notice and the registered letter's receipt."""
    notice = draft.notice_date
    assert notice is not None
    files = {
        DocumentKind.INVOICE: (
            f"facture-{invoice.number}.pdf",
            _facturx_invoice(debtor, invoice, draft)
            if einvoice
            else _pdf(
                f"Facture {invoice.number}",
                f"{CREDITOR[1]} (SIREN {CREDITOR[0]}) à {debtor.name} (SIREN {debtor.siren}).",
                f"Émise le {short_date(draft.issue_date)}, payable le {short_date(draft.due_date)}.",
                f"Montant TTC : {format_eur(invoice.amount_cents)}.",
            ),
        ),
        DocumentKind.FORMAL_NOTICE: (
            "mise-en-demeure.pdf",
            _pdf(
                "Mise en demeure",
                f"Le {short_date(notice)}, {CREDITOR[1]} met en demeure {debtor.name} de régler la facture "
                f"{invoice.number} ({format_eur(invoice.amount_cents)}) sous huit jours.",
            ),
        ),
        DocumentKind.NOTICE_PROOF: (
            "accuse-de-reception.pdf",
            _pdf("Avis de réception", f"Lettre recommandée présentée le {short_date(notice)} à {debtor.name}."),
        ),
    }
    return tuple(
        documents.store_document(res, member, kind=kind, filename=name, content_type=PDF, content=content).id
        for kind, (name, content) in files.items()
    )


def _euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _facturx_invoice(debtor: Company, invoice: _Invoice, draft: Draft) -> bytes:
    """The invoice as a Factur-X PDF (EN 16931 profile): its PDF with the CII XML the factur-x library writes."""
    import facturx  # deferred: the einvoice extra (local runs and tests have it)
    from facturx.generate_xml import generate_xml

    net = round(invoice.amount_cents * 100 / 120)  # 20 % VAT included in the amount
    vat = invoice.amount_cents - net
    xml = generate_xml(
        {
            "BT-24": "urn:cen.eu:en16931:2017",
            "BT-1": invoice.number,
            "BT-2": draft.issue_date,
            "BT-3": "380",
            "BT-5": "EUR",
            "BT-9": draft.due_date,
            "BT-72": draft.issue_date,  # delivered the day it was invoiced
            "BG-4": {
                "name": CREDITOR[1],
                "legal_identifier": CREDITOR[0],
                "legal_identifier_schemeid": "0002",
                "vat_identifier": f"FR44{CREDITOR[0]}",
                "country_code": "FR",
            },
            "BG-7": {
                "name": debtor.name,
                "legal_identifier": debtor.siren,
                "legal_identifier_schemeid": "0002",
                "country_code": "FR",
            },
            "BT-106": _euros(net),
            "BT-109": _euros(net),
            "BT-110": _euros(vat),
            "BT-112": _euros(invoice.amount_cents),
            "BT-115": _euros(invoice.amount_cents),
            "BG-23": [{"BT-116": _euros(net), "BT-117": _euros(vat), "BT-118": "S", "BT-119": "20.00"}],
            "BG-25": [
                {
                    "BT-126": "1",
                    "BT-129": "1",
                    "BT-130": "C62",
                    "BT-131": _euros(net),
                    "BT-146": _euros(net),
                    "BT-151": "S",
                    "BT-152": "20.00",
                    "BT-153": "Menuiseries posées et réceptionnées",
                }
            ],
        },
        flavor="factur-x",
        check_schematron=False,
    )
    pdf = _pdf(
        f"Facture {invoice.number}",
        f"{CREDITOR[1]} (SIREN {CREDITOR[0]}) à {debtor.name} (SIREN {debtor.siren}).",
        f"Émise le {short_date(draft.issue_date)}, payable le {short_date(draft.due_date)}.",
        f"Montant TTC : {format_eur(invoice.amount_cents)}. Facture électronique Factur-X (profil EN 16931).",
    )
    return bytes(facturx.generate_from_binary(pdf, bytes(xml), check_xsd=True))


def _file(
    res: Resources,
    member: Member,
    debtor: Company,
    invoice: _Invoice,
    *,
    reviewer: Moderator | None,
    by_post: bool = False,
    einvoice: bool = False,
) -> str:
    """File a report with its documents; ``reviewer`` approves it at once (None: it waits for a moderator).

    With ``einvoice``, the invoice is a Factur-X PDF and the filing leaves out its dates and amount: they are
    read from it, as a creditor may.
    """
    today = res.clock().date()
    due = today - timedelta(days=invoice.due_days_ago)
    draft = Draft(
        member_siren=member.siren,
        claimed_creditor_siren=None,
        debtor_siren=debtor.siren,
        debtor_email="" if by_post else f"comptabilite@{fold(debtor.name).replace(' ', '-')[:30]}.example",
        debtor_postal_address=f"{debtor.address}, {debtor.postal_code} {debtor.city}",
        issue_date=due - timedelta(days=30),
        due_date=due,
        amount_cents=invoice.amount_cents,
        outstanding_cents=invoice.amount_cents,
        reminder_dates=(due + timedelta(days=8), due + timedelta(days=18)),
        notice_date=min(due + timedelta(days=28), today - timedelta(days=10)),
        notice_channel=NoticeChannel.REGISTERED_LETTER,
    )
    description = "Travaux réalisés et réceptionnés sans réserve ; relances et mise en demeure restées sans effet."
    cited = _documents(res, member, debtor, invoice, draft, einvoice=einvoice)
    filed = filing.Filing.of_draft(draft, debtor.name, invoice.number, description, cited)
    if einvoice:
        typed = replace(filed.invoice, issue_date=None, due_date=None, amount_cents=None)
        filed = replace(filed, invoice=typed)
    report = filing.file_report(res, member, filed)
    if reviewer is not None:
        review.review_report(res, report.id, approved=True, reason="", actor=f"moderator:{reviewer.id}")
    return report.id


def lifecycle_message(code: int, moment: datetime, invoice_number: str, reason: str) -> bytes:
    """A CDAR lifecycle message as a platform sends it (the elements ``functions/core/einvoices/cdar.py`` reads)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossDomainAcknowledgementAndResponse
    xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocument><ram:ID>CDV-DEMO-{code}</ram:ID></rsm:ExchangedDocument>
  <rsm:AcknowledgementDocument>
    <ram:IssueDateTime><udt:DateTimeString format="204">{moment:%Y%m%d%H%M%S}</udt:DateTimeString></ram:IssueDateTime>
    <ram:ReferenceReferencedDocument>
      <ram:IssuerAssignedID>{invoice_number}</ram:IssuerAssignedID>
      <ram:ProcessConditionCode>{code}</ram:ProcessConditionCode>
      <ram:SpecifiedDocumentStatus><ram:Reason>{reason}</ram:Reason></ram:SpecifiedDocumentStatus>
    </ram:ReferenceReferencedDocument>
  </rsm:AcknowledgementDocument>
</rsm:CrossDomainAcknowledgementAndResponse>
""".encode()


def _token(res: Resources, report_id: str) -> str:
    report = res.store.reports.get_report(report_id)
    assert report is not None
    url, _ = issue_reply_link(res, report)
    return url.rsplit("/", 1)[1]


def seed_reports(res: Resources, companies: list[Company]) -> dict[str, Any]:
    """File demo reports 50 days ago, let the tick publish them, then reply, dispute, decide, pay, withdraw."""
    start = res.clock() - timedelta(days=50)
    early = resources_at(res, start)
    member, member_token = _member(early)
    moderator = members.create_moderator(
        early, name="Modération Ardoise (démo)", email="moderation@ardoise.localhost", actor=ACTOR
    )
    assert moderator.moderator is not None
    checker = moderator.moderator
    debtors = companies[:10]  # companies[6] is the debtor notified by post, below
    invoices = {
        debtors[0].siren: [_Invoice("FA-2025-1187", 4_860_00, 75), _Invoice("FA-2025-1243", 1_290_50, 48)],
        debtors[1].siren: [_Invoice("FA-2025-1102", 12_400_00, 110)],
        debtors[2].siren: [_Invoice("FA-2025-1320", 2_150_00, 40)],
        debtors[3].siren: [_Invoice("FA-2025-1299", 780_00, 45)],
        debtors[4].siren: [_Invoice("FA-2025-1311", 3_600_00, 42)],
        debtors[7].siren: [_Invoice("FA-2025-1276", 1_250_00, 52)],
        debtors[8].siren: [_Invoice("FA-2025-1254", 5_400_00, 60)],
        companies[10].siren: [_Invoice("FA-2025-1262", 2_780_00, 55)],
    }
    filed = {
        siren: [
            _file(early, member, next(c for c in companies if c.siren == siren), i, reviewer=checker) for i in items
        ]
        for siren, items in invoices.items()
    }
    disputed_id = filed[debtors[3].siren][0]
    replies.dispute(
        resources_at(res, start + timedelta(days=4)),
        _token(early, disputed_id),
        reason=DisputeReason.SERVICE_NOT_DELIVERED,
        text=(
            "La livraison était incomplète : deux colis sur cinq manquaient, "
            "ce que nous avons signalé par écrit le jour même."
        ),
        evidence_ids=[],
    )
    published_at = resources_at(res, start + timedelta(days=16))
    progress.publish_due(published_at)
    replied_id = filed[debtors[1].siren][0]
    replies.reply(
        resources_at(res, start + timedelta(days=18)),
        _token(published_at, replied_id),
        "Nous reconnaissons la dette et avons proposé au créancier un échéancier sur quatre mois.",
    )
    rejected_id = filed[debtors[8].siren][0]
    replies.dispute(
        resources_at(res, start + timedelta(days=19)),
        _token(published_at, rejected_id),
        reason=DisputeReason.NOT_OWED,
        text="Cette facture a été émise au nom d'une autre société du groupe.",
        evidence_ids=[],
    )
    moderation.decide(
        resources_at(res, start + timedelta(days=21)),
        moderator.moderator,
        rejected_id,
        ModerationDecision.REJECTED,
        "Le bon de commande produit par le créancier est signé par le débiteur lui-même.",
    )
    frozen_id = filed[companies[10].siren][0]
    litigation = resources_at(res, start + timedelta(days=22))
    # The creditor's e-invoicing platform relays the buyer's status: the listed report is frozen for a moderator.
    invoice_status.receive_invoice_status(
        litigation,
        member,
        frozen_id,
        cdar=lifecycle_message(207, litigation.clock(), "FA-2025-1262", "Quantités facturées contestées"),
    )
    later = resources_at(res, start + timedelta(days=25))
    progress.record_payment(
        later, member, replied_id, amount_cents=3_100_00, paid_on=later.clock().date() - timedelta(days=1)
    )
    settled_id = filed[debtors[4].siren][0]
    progress.record_payment(
        later, member, settled_id, amount_cents=3_600_00, paid_on=later.clock().date() - timedelta(days=2)
    )
    unlisted_id = filed[debtors[7].siren][0]  # paid all but 10 EUR: below the minimum, off the listing
    progress.record_payment(
        later, member, unlisted_id, amount_cents=1_240_00, paid_on=later.clock().date() - timedelta(days=3)
    )
    recent = _file(
        resources_at(res, res.clock() - timedelta(days=3)),
        member,
        debtors[5],
        _Invoice("FA-2026-0042", 1_850_00, 35),
        reviewer=checker,
        einvoice=True,  # verified with its Factur-X invoice: the approved file shows the cross-check agreed
    )
    # Known only by its address: its notice is a letter (in the outbox) with a short code for /r/.
    posted = _file(
        resources_at(res, res.clock() - timedelta(days=2)),
        member,
        companies[6],
        _Invoice("FA-2026-0057", 940_00, 38),
        reviewer=checker,
        by_post=True,
    )
    letter = res.store.reports.get_report(posted)
    assert letter is not None and letter.notice is not None
    withdrawn_id = _file(
        resources_at(res, res.clock() - timedelta(days=4)),
        member,
        debtors[9],
        _Invoice("FA-2026-0031", 960_00, 38),
        reviewer=checker,
    )
    progress.withdraw_report(resources_at(res, res.clock() - timedelta(days=2)), member, withdrawn_id)
    # Filed yesterday with a Factur-X invoice (its dates and amount read from it): waits in GET /reviews with
    # the e-invoice's cross-check; its debtor has not been told.
    yesterday, three_days_ago = (resources_at(res, res.clock() - timedelta(days=n)) for n in (1, 3))
    waiting_id = _file(
        yesterday, member, companies[12], _Invoice("FA-2026-0064", 2_380_00, 36), reviewer=None, einvoice=True
    )
    refused_id = _file(three_days_ago, member, companies[13], _Invoice("FA-2026-0049", 1_120_00, 40), reviewer=None)
    review.review_report(
        resources_at(res, res.clock() - timedelta(days=2)),
        refused_id,
        actor=f"moderator:{checker.id}",
        approved=False,
        reason="La mise en demeure jointe est adressée à une autre société que le débiteur : joignez celle envoyée "
        "au débiteur et son avis de réception.",
    )
    var = res.settings.var_dir
    var.mkdir(parents=True, exist_ok=True)
    (var / "demo-member-token").write_text(member_token + "\n")
    (var / "demo-moderator-token").write_text(moderator.token + "\n")
    return {
        "listed": sorted(res.store.reports.list_listed_sirens()),
        "disputed_in_moderation": disputed_id,
        "rejected_after_listing": rejected_id,
        "frozen_by_invoice_status": frozen_id,
        "settled": settled_id,
        "unlisted": unlisted_id,
        "withdrawn_before_publication": withdrawn_id,
        "in_grace_period": recent,
        "in_grace_period_by_post": posted,
        "under_review": waiting_id,
        "refused_by_review": refused_id,
        "letter_code": grouped_code(notice_code(res, letter, letter.notice)),
        "letter_code_page": code_page(res),
        "member_token_file": str(var / "demo-member-token"),
        "moderator_token_file": str(var / "demo-moderator-token"),
    }


DEMO_EINVOICE_NAME = "facture-electronique-demo.pdf"


def write_demo_einvoice(res: Resources, debtor: Company) -> Path:
    """A Factur-X invoice from the demo creditor to ``debtor``, written under ``var/demo/`` for the space's
    « Lire la facture électronique » button (a fresh number: its filing is no duplicate)."""
    today = res.clock().date()
    invoice = _Invoice(f"F-ESPACE-{today:%Y%m%d}", 2_480_00, 45)
    due = today - timedelta(days=invoice.due_days_ago)
    draft = Draft(
        member_siren=CREDITOR[0], claimed_creditor_siren=None, debtor_siren=debtor.siren, debtor_email="",
        debtor_postal_address="", issue_date=due - timedelta(days=30), due_date=due,
        amount_cents=invoice.amount_cents, outstanding_cents=invoice.amount_cents, reminder_dates=(),
        notice_date=None, notice_channel=None,
    )  # fmt: skip
    path = res.settings.var_dir / "demo" / DEMO_EINVOICE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_facturx_invoice(debtor, invoice, draft))
    return path
