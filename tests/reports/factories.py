"""Keyword-only factories with realistic defaults for the solvency tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from functions.core.domain.companies import Company
from functions.core.domain.reports import (
    AmicableSteps,
    Invoice,
    NoticeChannel,
    Party,
    Payment,
    Report,
    ReportStatus,
)
from functions.core.domain.solvency import Experience
from functions.core.domain.subscribers import Subscriber
from functions.core.resources import Resources
from functions.core.usecases.reports.subscribers import create_subscriber

DEBTOR_SIREN = "552100554"
CREDITOR_SIRENS = ("732829320", "542051180", "383474814", "443061841")


def make_report(
    *,
    id: str = "rpt_0001",
    debtor_siren: str = DEBTOR_SIREN,
    debtor_name: str = "Société Générale d'Équipement",
    creditor_siren: str = CREDITOR_SIRENS[0],
    number: str = "F-2026-001",
    due_date: date = date(2026, 1, 5),
    amount_cents: int = 1_250_00,
    outstanding_cents: int | None = None,
    status: ReportStatus = ReportStatus.PUBLISHED,
    published_on: date | None = date(2026, 2, 10),
    settled_on: date | None = None,
    payments: tuple[Payment, ...] = (),
    public_ref: str = "",
) -> Report:
    """Return a report on an unpaid invoice, published by default (public reference ``pub_<id>`` unless given)."""
    published_at = (
        datetime(published_on.year, published_on.month, published_on.day, 8, tzinfo=UTC) if published_on else None
    )
    if outstanding_cents is None:
        outstanding_cents = (
            0 if status is ReportStatus.SETTLED else amount_cents - sum(p.amount_cents for p in payments)
        )
    return Report(
        id=id,
        creditor=Party(siren=creditor_siren, name="Menuiserie Durand SARL", email="compta@durand.fr"),
        debtor=Party(siren=debtor_siren, name=debtor_name, email="direction@sge.fr"),
        invoice=Invoice(
            number=number, issue_date=due_date - timedelta(days=30), due_date=due_date, amount_cents=amount_cents
        ),
        outstanding_cents=outstanding_cents,
        steps=AmicableSteps(
            reminder_dates=(due_date + timedelta(days=10),),
            notice_date=due_date + timedelta(days=20),
            notice_channel=NoticeChannel.REGISTERED_LETTER,
        ),
        status=status,
        created_at=datetime(due_date.year, due_date.month, due_date.day, tzinfo=UTC) + timedelta(days=30),
        published_at=published_at,
        settled_on=settled_on,
        settled_at=datetime(settled_on.year, settled_on.month, settled_on.day, 12, tzinfo=UTC) if settled_on else None,
        payments=payments,
        public_ref=public_ref or f"pub_{id}",
    )


def make_payment(*, amount_cents: int, paid_on: date) -> Payment:
    return Payment(
        amount_cents=amount_cents,
        paid_on=paid_on,
        recorded_at=datetime(paid_on.year, paid_on.month, paid_on.day, 12, tzinfo=UTC),
        recorded_by="member:732829320",
    )


def make_experience(
    *,
    creditor_siren: str = CREDITOR_SIRENS[0],
    debtor_siren: str = DEBTOR_SIREN,
    amount_cents: int = 1_000_00,
    due_date: date = date(2026, 1, 31),
    days_late: int = 0,
    reference: str = "",
) -> Experience:
    """Return a shared experience paid ``days_late`` days after its due date."""
    return Experience(
        creditor_siren=creditor_siren,
        debtor_siren=debtor_siren,
        amount_cents=amount_cents,
        due_date=due_date,
        paid_on=due_date + timedelta(days=days_late),
        reference=reference,
    )


def three_creditors(*delays: int, amounts: tuple[int, ...] = ()) -> list[Experience]:
    """Experiences with the given delays, shared by rotating creditors (three or more)."""
    return [
        make_experience(
            creditor_siren=CREDITOR_SIRENS[n % 3],
            days_late=days,
            amount_cents=amounts[n] if amounts else 1_000_00,
            reference=f"F-{n}",
        )
        for n, days in enumerate(delays)
    ]


def add_subscriber(
    resources: Resources, *, plan: str = "decouverte", name: str = "Cabinet Leroy Crédit"
) -> tuple[Subscriber, str]:
    """Create a subscriber through the service and return it with its key."""
    return create_subscriber(resources, name=name, email="credit@cabinet-leroy.fr", plan=plan, actor="operator:test")


def file_published(resources: Resources, **changes: Any) -> Report:
    """Store a published report through the directory's repository (marks its debtor stale)."""
    return resources.store.reports.file_report(make_report(**changes), actor="system:test")


def record_company(
    resources: Resources, *, siren: str = DEBTOR_SIREN, name: str = "Société Générale d'Équipement"
) -> None:
    resources.store.companies.record_company(Company(siren, name, "12 rue de la Paix", "75002", "Paris"), "system:test")
