"""Keyword-only factories with realistic defaults for the directory tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from functions.core.domain.reports import (
    AmicableSteps,
    Invoice,
    NoticeChannel,
    NoticeMedium,
    Party,
    Report,
    ReportStatus,
)

CREDITOR_SIREN = "732829320"
CREDITOR_NAME = "Menuiserie Durand SARL"
DEBTOR_SIREN = "552100554"
DEBTOR_NAME = "Société Générale d'Équipement"
OTHER_DEBTOR_SIREN = "542065479"


def make_report(
    *,
    id: str = "rpt_0001",
    creditor_siren: str = CREDITOR_SIREN,
    debtor_siren: str = DEBTOR_SIREN,
    debtor_name: str = DEBTOR_NAME,
    number: str = "F-2026-001",
    issue_date: date = date(2025, 12, 1),
    due_date: date = date(2025, 12, 31),
    amount_cents: int = 1_250_00,
    outstanding_cents: int | None = None,
    status: ReportStatus = ReportStatus.SUBMITTED,
    created_at: datetime = datetime(2026, 3, 2, 9, tzinfo=UTC),
    **changes: Any,
) -> Report:
    """Return a report as filed by a creditor on an invoice due at the end of December."""
    report = Report(
        id=id,
        creditor=Party(siren=creditor_siren, name=CREDITOR_NAME, email="compta@menuiserie-durand.fr"),
        debtor=Party(
            siren=debtor_siren,
            name=debtor_name,
            email="comptabilite@sge.fr",
            postal_address="12 rue de la Paix, 75002 Paris",
        ),
        invoice=Invoice(number=number, issue_date=issue_date, due_date=due_date, amount_cents=amount_cents),
        outstanding_cents=amount_cents if outstanding_cents is None else outstanding_cents,
        steps=AmicableSteps(
            reminder_dates=(due_date + timedelta(days=10),),
            notice_date=due_date + timedelta(days=30),
            notice_channel=NoticeChannel.REGISTERED_LETTER,
        ),
        status=status,
        created_at=created_at,
        description="Menuiseries posées en novembre, facture restée impayée malgré deux relances.",
        filed_by="mbr_test",
        public_ref=f"pub_{id.removeprefix('rpt_')}",
    )
    return replace(report, **changes)


def notified(report: Report, *, at: datetime, grace_days: int = 15) -> Report:
    """Return the report once its debtor was told by e-mail."""
    return replace(
        report,
        status=ReportStatus.NOTIFIED,
        notified_at=at,
        publish_after=at + timedelta(days=grace_days),
        notice_medium=NoticeMedium.EMAIL,
    )


def published(report: Report, *, at: datetime) -> Report:
    """Return the report once listed publicly."""
    return replace(report, status=ReportStatus.PUBLISHED, published_at=at)


def filing_payload(
    *,
    debtor_siren: str = DEBTOR_SIREN,
    debtor_name: str = DEBTOR_NAME,
    debtor_email: str | None = "comptabilite@sge.fr",
    postal_address: str = "12 rue de la Paix, 75002 Paris",
    number: str = "F-2025-0412",
    issue_date: str = "2025-12-01",
    due_date: str = "2025-12-31",
    amount_cents: int = 1_250_00,
    outstanding_cents: int = 1_250_00,
    reminder_dates: tuple[str, ...] = ("2026-01-10", "2026-01-20"),
    notice_date: str | None = "2026-01-30",
    notice_channel: str | None = "registered_letter",
    **extra: Any,
) -> dict[str, Any]:
    """Return the JSON body of a report that meets every rule on 2 March 2026."""
    debtor: dict[str, Any] = {"siren": debtor_siren, "name": debtor_name, "postal_address": postal_address}
    if debtor_email is not None:
        debtor["email"] = debtor_email
    steps: dict[str, Any] = {"reminder_dates": list(reminder_dates)}
    if notice_date is not None:
        steps["notice_date"] = notice_date
    if notice_channel is not None:
        steps["notice_channel"] = notice_channel
    return {
        "debtor": debtor,
        "invoice": {
            "number": number,
            "issue_date": issue_date,
            "due_date": due_date,
            "amount_cents": amount_cents,
            "outstanding_cents": outstanding_cents,
        },
        "amicable_steps": steps,
        "description": "Menuiseries posées en novembre ; deux relances et une mise en demeure restées sans effet.",
        **extra,
    }
