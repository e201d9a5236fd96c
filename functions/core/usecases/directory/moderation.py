"""Moderation: the queue of disputes, oldest first, and the decision that ends each one."""

from __future__ import annotations

import re
from dataclasses import dataclass

from functions.core.domain import lifecycle
from functions.core.domain.einvoice import TermComparison
from functions.core.domain.moderators import Moderator
from functions.core.domain.reports import Moderation, ModerationDecision, Report, ReportStatus
from functions.core.domain.rules import Limits, checked_rules
from functions.core.errors import FieldError, NotFound, ValidationFailed
from functions.core.identifiers import is_valid_siren
from functions.core.resources import Resources
from functions.core.store.base import AuditEvent
from functions.core.store.reports import QUEUE_MODERATION
from functions.core.usecases.directory import mails
from functions.core.usecases.directory.notices import issue_reply_link
from functions.core.usecases.directory.progress import change_report
from functions.core.usecases.identity import RegistryView, registry_view


def moderation_queue(res: Resources, *, limit: int = 50, cursor: str | None = None) -> tuple[list[Report], str | None]:
    """Return the disputed reports, the oldest dispute first."""
    reports, next_cursor = res.store.reports.in_queue(QUEUE_MODERATION, limit=limit, cursor=cursor)
    # The index may lag a moment behind a decision: show only what still awaits one.
    return [r for r in reports if r.status is ReportStatus.DISPUTED], next_cursor


def get_for_moderation(res: Resources, report_id: str) -> Report:
    report = res.store.reports.get_report(report_id)
    if report is None:
        raise NotFound("Aucun signalement sous cet identifiant.")
    return report


def decide(res: Resources, moderator: Moderator, report_id: str, decision: ModerationDecision, note: str) -> Report:
    """Uphold (published again, or back to its grace period) or reject a disputed report; tell both sides."""
    now = res.clock()
    moderation = Moderation(decision, note, moderator.id, now)
    action = "report.upheld" if decision is ModerationDecision.UPHELD else "report.rejected"
    changed = change_report(
        res,
        report_id,
        lambda r: lifecycle.moderated(r, moderation, now),
        actor=f"moderator:{moderator.id}",
        action=action,
    )
    assert changed is not None
    before, report = changed
    url = None
    if decision is ModerationDecision.UPHELD and report.debtor.email and report.notified_at is not None:
        url, _ = issue_reply_link(res, report)
    for message in mails.decision_messages(before, report, url):
        res.mailer.send(message)
    return report


# -- a report's full file and the search -------------------------------------------------


@dataclass(frozen=True)
class ReportFile:
    """Everything a moderator reads of one report: the report, its debtor in the registry, the rules, its trail."""

    report: Report
    registry: RegistryView
    rules_checked: tuple[str, ...]
    einvoice_check: list[TermComparison]
    trail: list[AuditEvent]  # what happened to the report, oldest first (the audit log: no free text)


def report_file(res: Resources, report_id: str) -> ReportFile:
    """The full file of a report for a moderator (404 ``NotFound`` when no report has this id)."""
    report = get_for_moderation(res, report_id)
    entity = f"report:{report.id}"
    trail = [e for e in res.store.audit.iter_events(f"company:{report.debtor.siren}") if e.entity == entity]
    return ReportFile(
        report=report,
        registry=registry_view(res, report.debtor.siren),
        rules_checked=checked_rules(Limits(res.settings.notice_days, res.settings.min_amount_cents)),
        einvoice_check=report.einvoice_check(),
        trail=trail,
    )


REFERENCE = re.compile(r"rpt_[0-9a-f]{16}")
SEARCH_MAX_LENGTH = 40


def search_reports(res: Resources, query: str) -> list[Report]:
    """The reports a moderator looks for: a report's reference (``rpt_…``), or a SIREN as debtor or creditor.

    Anything else is refused with a French message on ``q`` (400): the search reads
    by key only, never by scanning. Newest first.
    """
    text = query.strip()
    compact = "".join(text.split())
    if REFERENCE.fullmatch(text.lower()):
        found = res.store.reports.get_report(text.lower())
        return [found] if found is not None else []
    if len(text) > SEARCH_MAX_LENGTH or not (compact.isascii() and compact.isdigit()):
        raise _invalid(
            "Saisissez un SIREN (9 chiffres) ou la référence d'un signalement (rpt_ suivi de 16 caractères)."
        )
    if not is_valid_siren(compact):
        raise _invalid("Ce SIREN n'est pas valide : vérifiez ses 9 chiffres.")
    reports = {r.id: r for r in res.store.reports.list_for_debtor(compact)}
    reports.update({r.id: r for r in res.store.reports.list_for_creditor(compact)})
    return sorted(reports.values(), key=lambda r: (r.created_at, r.id), reverse=True)


def _invalid(message: str) -> ValidationFailed:
    return ValidationFailed("Recherche invalide.", [FieldError("q", "invalide", message)])
