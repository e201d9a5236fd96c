"""Demo reports for the directory: listed companies, a debtor's reply, a dispute in moderation, a settlement.

Everything goes through the directory's use cases at its own date (a fixed
clock per step), exactly as members, debtors, the tick and a moderator would,
so the notices, the audit log and the aggregates are real. The member's and
the moderator's tokens are kept in ``var/`` so that a newcomer can try the API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from functions.core.clock import FixedClock
from functions.core.context import Services
from functions.core.domain.reports import DisputeReason, NoticeChannel
from functions.core.domain.rules import Draft
from functions.core.services.directory import filing, members, progress, replies
from functions.core.services.directory.notices import code_page, issue_reply_link, notice_code
from functions.core.store import Store
from functions.core.store.companies import Company
from functions.core.store.members import Member
from functions.core.text import fold
from functions.core.tokens import grouped_code

ACTOR = "system:demo"
CREDITOR = ("732829320", "Menuiserie Durand SARL", "Claire Durand", "compta@menuiserie-durand.fr")


def _at(ctx: Services, moment: datetime) -> Services:
    """The same store, mailer and settings, with the clock standing at ``moment``."""
    clock = FixedClock(moment)
    return Services(ctx.settings, store=Store(ctx.store.backend, clock), mailer=ctx.mailer, clock=clock)


class _Inbox:
    """Keep the last message sent (verification codes are read back from it)."""

    def __init__(self, mailer: Any) -> None:
        self.mailer, self.last = mailer, ""

    def send(self, message: Any) -> str:
        self.last = message.text
        return str(self.mailer.send(message))


def _member(ctx: Services) -> tuple[Member, str]:
    inbox = _Inbox(ctx.mailer)
    local = Services(ctx.settings, store=ctx.store, mailer=inbox, clock=ctx.clock)
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


def _file(ctx: Services, member: Member, debtor: Company, invoice: _Invoice, *, by_post: bool = False) -> str:
    today = ctx.clock().date()
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
    return filing.file_report(ctx, member, filing.Filing(draft, debtor.name, invoice.number, description)).id


def _token(ctx: Services, report_id: str) -> str:
    report = ctx.store.reports.get_report(report_id)
    assert report is not None
    url, _ = issue_reply_link(ctx, report)
    return url.rsplit("/", 1)[1]


def seed_reports(ctx: Services, companies: list[Company]) -> dict[str, Any]:
    """File demo reports 50 days ago, let the tick publish them, then reply, dispute, settle."""
    start = ctx.clock() - timedelta(days=50)
    early = _at(ctx, start)
    member, member_token = _member(early)
    debtors = companies[:6]
    invoices = {
        debtors[0].siren: [_Invoice("FA-2025-1187", 4_860_00, 75), _Invoice("FA-2025-1243", 1_290_50, 48)],
        debtors[1].siren: [_Invoice("FA-2025-1102", 12_400_00, 110)],
        debtors[2].siren: [_Invoice("FA-2025-1320", 2_150_00, 40)],
        debtors[3].siren: [_Invoice("FA-2025-1299", 780_00, 45)],
        debtors[4].siren: [_Invoice("FA-2025-1311", 3_600_00, 42)],
    }
    filed = {
        siren: [_file(early, member, next(c for c in debtors if c.siren == siren), i) for i in items]
        for siren, items in invoices.items()
    }
    disputed_id = filed[debtors[3].siren][0]
    replies.dispute(
        _at(ctx, start + timedelta(days=4)),
        _token(early, disputed_id),
        reason=DisputeReason.SERVICE_NOT_DELIVERED,
        text=(
            "La livraison était incomplète : deux colis sur cinq manquaient, "
            "ce que nous avons signalé par écrit le jour même."
        ),
        evidence_ids=[],
    )
    published_at = _at(ctx, start + timedelta(days=16))
    progress.publish_due(published_at)
    replied_id = filed[debtors[1].siren][0]
    replies.reply(
        _at(ctx, start + timedelta(days=18)),
        _token(published_at, replied_id),
        "Nous reconnaissons la dette et avons proposé au créancier un échéancier sur quatre mois.",
    )
    later = _at(ctx, start + timedelta(days=25))
    progress.record_payment(
        later, member, replied_id, amount_cents=3_100_00, paid_on=later.clock().date() - timedelta(days=1)
    )
    settled_id = filed[debtors[4].siren][0]
    progress.record_payment(
        later, member, settled_id, amount_cents=3_600_00, paid_on=later.clock().date() - timedelta(days=2)
    )
    recent = _file(
        _at(ctx, ctx.clock() - timedelta(days=3)), member, debtors[5], _Invoice("FA-2026-0042", 1_850_00, 35)
    )
    # Known only by its address: its notice is a letter (in the outbox) with a short code for /r/.
    posted = _file(
        _at(ctx, ctx.clock() - timedelta(days=2)),
        member,
        companies[6],
        _Invoice("FA-2026-0057", 940_00, 38),
        by_post=True,
    )
    letter = ctx.store.reports.get_report(posted)
    assert letter is not None and letter.notice is not None
    moderator = members.create_moderator(
        ctx, name="Modération Ardoise (démo)", email="moderation@ardoise.localhost", actor=ACTOR
    )
    var = ctx.settings.var_dir
    var.mkdir(parents=True, exist_ok=True)
    (var / "demo-member-token").write_text(member_token + "\n")
    (var / "demo-moderator-token").write_text(moderator.token + "\n")
    return {
        "listed": sorted(ctx.store.reports.list_listed_sirens()),
        "disputed_in_moderation": disputed_id,
        "settled": settled_id,
        "in_grace_period": recent,
        "in_grace_period_by_post": posted,
        "letter_code": grouped_code(notice_code(ctx, letter, letter.notice)),
        "letter_code_page": code_page(ctx),
        "member_token_file": str(var / "demo-member-token"),
        "moderator_token_file": str(var / "demo-moderator-token"),
    }
