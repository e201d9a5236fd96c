"""What stays visible of a reported company, and to whom: the one rule every surface applies.

Two audiences, two purposes (CNIL: only certain sums, delete on settlement):

**The public** (the directory API and its search, the public site: company
pages, directory pages, search shards, sitemaps) sees the *listing*: the
unpaid invoices the directory publishes today. A report shows only while it is
listed (``published``): never while a moderator has not checked its file
(``under_review``), never once refused (``refused``). The moment it leaves the listing — settled, paid down
below the minimum amount (``unlisted``), withdrawn, contested, rejected,
deleted — nothing of it shows any more. A company is public only while it has
a listed report, or once it signed the charter (which it made public itself);
otherwise Ardoise answers exactly as for a company it never heard of (no page,
no search hit, ``404``), whatever was filed, published, paid or decided before.
Of a listed report the public sees its facts and the reply the debtor wrote for
the public (``action: reply``); never the creditor, the invoice number, a
contest's text or a payment declaration (both are written for the moderator).

**Collective proceedings freeze the listing.** While a sauvegarde, redressement
or liquidation judiciaire runs (BODACC), creditors of debts born before its
opening may not pursue the debtor alone (Code de commerce, L. 622-21): they
declare their claims to the court's representative. A public list of its
unpaid invoices would be such a pursuit, so a report the proceeding covers
leaves the listing (``frozen_by``, :func:`listing_freeze`): it is kept, not
deleted, and comes back when the proceeding ends if it is still unpaid —
unless the proceeding was a liquidation: its closure (for insufficient assets,
or because the liabilities were paid off) does not give creditors their right
to pursue back (L. 643-11) and the company is struck off, so its reports stay
off the listing for good. An opening quashed on appeal counts as never opened.
Under a plan, a debt born after the opening judgment may be pursued, and its
report listed, as at filing (``registry.registry_gates``).

**Subscribers** (solvency summaries) see a *payment history*: a report counts
once it was listed, and keeps counting after it left the listing by payment —
settled, or unlisted (paid down below the minimum amount; counted as paid on
the day of that payment) — for 24 months; a contest pending after listing shows
as a pending dispute. A report that was never listed, that its creditor
withdrew or that a moderator rejected never counts. A company has a summary
only while something counts, experiences from three creditors feed its index,
or it signed the charter. A frozen report still counts for subscribers: the
proceeding itself is the strongest risk signal their summary shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from functions.core.clock import today_in_paris
from functions.core.domain.registry import Proceeding, ProceedingKind
from functions.core.domain.reports import OPEN_STATUSES, Report, ReportStatus

# A report once listed that a subscriber's history keeps (left the listing by payment, or contested).
_HISTORY = frozenset({ReportStatus.PUBLISHED, ReportStatus.DISPUTED, ReportStatus.SETTLED, ReportStatus.UNLISTED})
# Those whose payment record feeds the index: a pending contest shows only as a count.
_PAYMENT_RECORD = _HISTORY - {ReportStatus.DISPUTED}


# -- the public -----------------------------------------------------------------------------


def on_listing(status: ReportStatus, *, frozen: bool) -> bool:
    """Whether a report in ``status`` shows on the public listing: published, and no proceeding freezes it."""
    return status is ReportStatus.PUBLISHED and not frozen


def is_listed(report: Report) -> bool:
    """Whether the report shows on the public listing right now."""
    return on_listing(report.status, frozen=bool(report.frozen_by))


def listing_freeze(report: Report, proceeding: Proceeding | None) -> str:
    """The key of the collective proceeding that keeps ``report`` off the listing, "" when none does.

    ``proceeding`` is the company's last one (``registry.last_proceeding``):
    open, or ended. Only a report still open (filed, notified, published or
    contested) follows the registry; a closed one keeps what it had.
    """
    if report.status not in OPEN_STATUSES:
        return report.frozen_by
    if proceeding is None or not proceeding.suspends(report.invoice.issue_date):
        return ""
    if proceeding.closed_by is not None and proceeding.kind is not ProceedingKind.LIQUIDATION:
        return ""
    return proceeding.key


@dataclass(frozen=True, slots=True)
class Presence:
    """Why the public may know of a company: a listed report, a charter signature (both may hold)."""

    listed: bool = False
    signatory: bool = False

    @property
    def public(self) -> bool:
        """Whether the public may know of the company at all; otherwise it is answered as a stranger."""
        return self.listed or self.signatory


@dataclass(frozen=True, slots=True)
class PublicInvoice:
    """A listed report as the public sees it; the store keeps it beside the report, so reading it costs no more."""

    reference: str  # the opaque ``pub_…``, never the report's id
    debtor_name: str
    issue_date: date
    due_date: date
    amount_cents: int
    outstanding_cents: int
    published_at: datetime | None
    reply: str  # what the debtor wrote for the public, and nothing else
    # When a moderator checked its invoice and formal notice (never the documents themselves).
    verified_at: datetime | None = None

    @property
    def published_on(self) -> date | None:
        return today_in_paris(self.published_at) if self.published_at is not None else None

    @property
    def verified_on(self) -> date | None:
        return today_in_paris(self.verified_at) if self.verified_at is not None else None

    def days_overdue(self, today: date) -> int:
        return (today - self.due_date).days


def public_invoice(report: Report | None) -> PublicInvoice | None:
    """Return what the public sees of a report: None unless it is listed."""
    if report is None or not is_listed(report):
        return None
    return PublicInvoice(
        reference=report.public_ref,
        debtor_name=report.debtor.name,
        issue_date=report.invoice.issue_date,
        due_date=report.invoice.due_date,
        amount_cents=report.invoice.amount_cents,
        outstanding_cents=report.outstanding_cents,
        published_at=report.published_at,
        reply=report.public_reply,
        verified_at=report.verified_at,
    )


@dataclass(frozen=True, slots=True)
class PublicCompany:
    """All the public sees of a company's place in the directory."""

    invoices: tuple[PublicInvoice, ...]  # by due date
    signatory: bool

    @property
    def listed(self) -> bool:
        return bool(self.invoices)

    @property
    def outstanding_cents(self) -> int:
        return sum(invoice.outstanding_cents for invoice in self.invoices)

    @property
    def oldest_due_date(self) -> date | None:
        return min((invoice.due_date for invoice in self.invoices), default=None)

    def worst_days_overdue(self, today: date) -> int | None:
        oldest = self.oldest_due_date
        return (today - oldest).days if oldest is not None else None


def shown_name(known_name: str, public: PublicCompany, *fallbacks: str) -> str:
    """The name every public surface shows: the one known (the registry's), else the latest listed report's.

    The API's company page and the site's say the same; ``fallbacks`` (a
    signatory's name, the SIREN) serve when neither gives one.
    """
    listed = public.invoices
    return known_name or (listed[-1].debtor_name if listed else "") or next((name for name in fallbacks if name), "")


def public_company(invoices: Iterable[PublicInvoice], *, signatory: bool) -> PublicCompany | None:
    """Return what the public sees of a company from its listed invoices; None: answer as for a stranger."""
    listed = tuple(sorted(invoices, key=lambda invoice: (invoice.due_date, invoice.reference)))
    if not Presence(listed=bool(listed), signatory=signatory).public:
        return None
    return PublicCompany(listed, signatory)


def public_company_of(reports: Iterable[Report], *, signatory: bool) -> PublicCompany | None:
    """The same rule, from every report held against the company."""
    return public_company((i for i in map(public_invoice, reports) if i is not None), signatory=signatory)


# -- subscribers ----------------------------------------------------------------------------


def paid_on(report: Report) -> date | None:
    """The day a report stopped being owed for the history: paid in full, or paid down below the minimum."""
    if report.settled_on is not None:
        return report.settled_on
    if report.settled_at is not None:
        return today_in_paris(report.settled_at)
    if report.status is ReportStatus.UNLISTED and report.payments:
        # The payment recorded when it was unlisted (later ones do not move the day).
        closing = [p.paid_on for p in report.payments if report.closed_at is None or p.recorded_at <= report.closed_at]
        return max(closing or [p.paid_on for p in report.payments])
    return None


def in_history(report: Report) -> bool:
    """Whether a subscriber's summary shows the report at all: listed once, and not withdrawn nor rejected."""
    return report.published_at is not None and report.status in _HISTORY


def in_payment_record(report: Report) -> bool:
    """Whether the report's payment behaviour feeds the index and amounts: in the history and not contested now."""
    return in_history(report) and report.status in _PAYMENT_RECORD


def is_open_in_history(report: Report) -> bool:
    """A subscriber's open report: published and still owed, on the listing or frozen by a proceeding."""
    return in_history(report) and report.status is ReportStatus.PUBLISHED


def is_pending_dispute(report: Report) -> bool:
    """A contest (or payment declaration) awaiting a moderator on a report that had been listed."""
    return in_history(report) and report.status is ReportStatus.DISPUTED
