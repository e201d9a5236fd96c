"""Reports to and from the JSON kept in the store (dates as ISO 8601 text)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from functions.core.domain.einvoice import InvoiceStatus
from functions.core.domain.reports import (
    AmicableSteps,
    DebtorNotice,
    DecidedDispute,
    Dispute,
    DisputeKind,
    DisputeReason,
    Invoice,
    Moderation,
    ModerationDecision,
    NoticeChannel,
    NoticeMedium,
    Party,
    Payment,
    Report,
    ReportStatus,
)


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _read_moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _read_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _party(party: Party) -> dict[str, str]:
    return {"siren": party.siren, "name": party.name, "email": party.email, "postal_address": party.postal_address}


def _dispute(dispute: Dispute | None) -> dict[str, Any] | None:
    if dispute is None:
        return None
    return {
        "kind": dispute.kind.value,
        "reason": dispute.reason.value,
        "text": dispute.text,
        "opened_at": _moment(dispute.opened_at),
        "was_published": dispute.was_published,
        "evidence_ids": list(dispute.evidence_ids),
        "paid_on": _day(dispute.paid_on),
        "declared_amount_cents": dispute.declared_amount_cents,
        "evidence_sha256": list(dispute.evidence_sha256),
        "payment_note": dispute.payment_note,
    }


def _read_dispute(data: Mapping[str, Any] | None) -> Dispute | None:
    if not data:
        return None
    return Dispute(
        kind=DisputeKind(data["kind"]),
        reason=DisputeReason(data["reason"]),
        text=data["text"],
        opened_at=datetime.fromisoformat(data["opened_at"]),
        was_published=bool(data["was_published"]),
        evidence_ids=tuple(data.get("evidence_ids", ())),
        paid_on=_read_day(data.get("paid_on")),
        declared_amount_cents=data.get("declared_amount_cents"),
        evidence_sha256=tuple(data.get("evidence_sha256", ())),
        payment_note=data.get("payment_note", ""),
    )


def _notice(notice: DebtorNotice | None) -> dict[str, Any] | None:
    if notice is None:
        return None
    return {
        "dated_at": _moment(notice.dated_at),
        "seed": notice.seed,
        "attempts": notice.attempts,
        "claim": notice.claim,
    }


def _read_notice(data: Mapping[str, Any] | None) -> DebtorNotice | None:
    if not data:
        return None
    return DebtorNotice(
        dated_at=datetime.fromisoformat(data["dated_at"]),
        seed=data["seed"],
        attempts=int(data.get("attempts", 1)),
        claim=data.get("claim", ""),
    )


def _moderation(moderation: Moderation | None) -> dict[str, Any] | None:
    if moderation is None:
        return None
    return {
        "decision": moderation.decision.value,
        "note": moderation.note,
        "moderator_id": moderation.moderator_id,
        "decided_at": _moment(moderation.decided_at),
    }


def _read_moderation(data: Mapping[str, Any] | None) -> Moderation | None:
    if not data:
        return None
    return Moderation(
        decision=ModerationDecision(data["decision"]),
        note=data["note"],
        moderator_id=data["moderator_id"],
        decided_at=datetime.fromisoformat(data["decided_at"]),
    )


def _invoice_status(status: InvoiceStatus) -> dict[str, Any]:
    return {
        "code": status.code,
        "on": _day(status.on),
        "received_at": _moment(status.received_at),
        "received_by": status.received_by,
        "note": status.note,
        "from_cdar": status.from_cdar,
    }


def _read_invoice_status(data: Mapping[str, Any]) -> InvoiceStatus:
    return InvoiceStatus(
        code=int(data["code"]),
        on=date.fromisoformat(data["on"]),
        received_at=datetime.fromisoformat(data["received_at"]),
        received_by=data["received_by"],
        note=data.get("note", ""),
        from_cdar=bool(data.get("from_cdar", False)),
    )


def report_to_data(report: Report) -> dict[str, Any]:
    """Return the JSON-ready form of a report (its version is the item's, not data)."""
    return {
        "id": report.id,
        "creditor": _party(report.creditor),
        "debtor": _party(report.debtor),
        "invoice": {
            "number": report.invoice.number,
            "issue_date": _day(report.invoice.issue_date),
            "due_date": _day(report.invoice.due_date),
            "amount_cents": report.invoice.amount_cents,
        },
        "outstanding_cents": report.outstanding_cents,
        "steps": {
            "reminder_dates": [_day(d) for d in report.steps.reminder_dates],
            "notice_date": _day(report.steps.notice_date),
            "notice_channel": report.steps.notice_channel.value,
        },
        "status": report.status.value,
        "created_at": _moment(report.created_at),
        "description": report.description,
        "notified_at": _moment(report.notified_at),
        "publish_after": _moment(report.publish_after),
        "published_at": _moment(report.published_at),
        "settled_at": _moment(report.settled_at),
        "settled_on": _day(report.settled_on),
        "closed_at": _moment(report.closed_at),
        "payments": [
            {
                "amount_cents": p.amount_cents,
                "paid_on": _day(p.paid_on),
                "recorded_at": _moment(p.recorded_at),
                "recorded_by": p.recorded_by,
            }
            for p in report.payments
        ],
        "public_reply": report.public_reply,
        "filed_by": report.filed_by,
        "flags": list(report.flags),
        "notice_medium": report.notice_medium.value if report.notice_medium else None,
        "notice_claimed_at": _moment(report.notice_claimed_at),
        "notice": _notice(report.notice),
        "dispute": _dispute(report.dispute),
        "moderation": _moderation(report.moderation),
        "public_ref": report.public_ref or legacy_public_ref(report.id),
        "earlier_disputes": [
            {"dispute": _dispute(d.dispute), "moderation": _moderation(d.moderation)} for d in report.earlier_disputes
        ],
        "invoice_statuses": [_invoice_status(s) for s in report.invoice_statuses],
    }


def legacy_public_ref(report_id: str) -> str:
    """The public reference of a report stored before it had one: a one-way digest of its id."""
    return "pub_" + hashlib.sha256(f"public-reference:{report_id}".encode()).hexdigest()[:16]


def report_from_data(data: Mapping[str, Any], version: int) -> Report:
    """Rebuild a report from its stored form."""
    invoice, steps = data["invoice"], data["steps"]
    return Report(
        id=data["id"],
        creditor=Party(**data["creditor"]),
        debtor=Party(**data["debtor"]),
        invoice=Invoice(
            number=invoice["number"],
            issue_date=date.fromisoformat(invoice["issue_date"]),
            due_date=date.fromisoformat(invoice["due_date"]),
            amount_cents=int(invoice["amount_cents"]),
        ),
        outstanding_cents=int(data["outstanding_cents"]),
        steps=AmicableSteps(
            reminder_dates=tuple(date.fromisoformat(d) for d in steps["reminder_dates"]),
            notice_date=date.fromisoformat(steps["notice_date"]),
            notice_channel=NoticeChannel(steps["notice_channel"]),
        ),
        status=ReportStatus(data["status"]),
        created_at=datetime.fromisoformat(data["created_at"]),
        description=data.get("description", ""),
        notified_at=_read_moment(data.get("notified_at")),
        publish_after=_read_moment(data.get("publish_after")),
        published_at=_read_moment(data.get("published_at")),
        settled_at=_read_moment(data.get("settled_at")),
        settled_on=_read_day(data.get("settled_on")),
        closed_at=_read_moment(data.get("closed_at")),
        payments=tuple(
            Payment(
                amount_cents=int(p["amount_cents"]),
                paid_on=date.fromisoformat(p["paid_on"]),
                recorded_at=datetime.fromisoformat(p["recorded_at"]),
                recorded_by=p["recorded_by"],
            )
            for p in data.get("payments", ())
        ),
        public_reply=data.get("public_reply", ""),
        version=version,
        filed_by=data.get("filed_by", ""),
        flags=tuple(data.get("flags", ())),
        notice_medium=NoticeMedium(data["notice_medium"]) if data.get("notice_medium") else None,
        notice_claimed_at=_read_moment(data.get("notice_claimed_at")),
        notice=_read_notice(data.get("notice")),
        dispute=_read_dispute(data.get("dispute")),
        moderation=_read_moderation(data.get("moderation")),
        public_ref=data.get("public_ref") or legacy_public_ref(data["id"]),
        earlier_disputes=tuple(_read_decided(d) for d in data.get("earlier_disputes", ())),
        invoice_statuses=tuple(_read_invoice_status(s) for s in data.get("invoice_statuses", ())),
    )


def _read_decided(data: Mapping[str, Any]) -> DecidedDispute:
    dispute, moderation = _read_dispute(data["dispute"]), _read_moderation(data["moderation"])
    assert dispute is not None and moderation is not None  # written together by report_to_data
    return DecidedDispute(dispute, moderation)


def audit_view(report: Report | None) -> dict[str, Any] | None:
    """What the audit log keeps of a report: identifiers, status, amounts and dates only."""
    if report is None:
        return None
    return {
        "id": report.id,
        "creditor_siren": report.creditor.siren,
        "debtor_siren": report.debtor.siren,
        "status": report.status.value,
        "amount_cents": report.invoice.amount_cents,
        "outstanding_cents": report.outstanding_cents,
        "issue_date": _day(report.invoice.issue_date),
        "due_date": _day(report.invoice.due_date),
        "published_at": _moment(report.published_at),
        "settled_on": _day(report.settled_on),
        "closed_at": _moment(report.closed_at),
    }
