"""Collective proceedings and the listing: a company's reports leave it while one runs, come back after.

:func:`apply_listing_freeze` is a propagation refresher: a registry import that
changes a company's BODACC timeline marks the company stale (``store.registry``),
as it does for its identity, so this runs right after the import (and at each
tick for what an import left marked). Each report the proceeding covers is saved
with its ``frozen_by`` (``visibility.listing_freeze``): the store rewrites its
public projection, the debtor's aggregate and presence in the same transaction,
so the report leaves (or re-enters) the listing, the site and the search with
that write. Its creditor is told by e-mail by the writer that won, once per
report and proceeding (the key is kept on the report).
"""

from __future__ import annotations

from dataclasses import replace

from functions.core.clock import today_in_paris
from functions.core.domain.registry import Proceeding, last_proceeding
from functions.core.domain.reports import Report
from functions.core.domain.visibility import listing_freeze
from functions.core.logs import get_logger
from functions.core.resources import Resources
from functions.core.usecases.identity import REGISTRY_ACTOR

log = get_logger("directory.proceedings")


def frozen_as_registry_says(report: Report, proceeding: Proceeding | None) -> Report:
    """The report with the freeze the company's proceedings call for (itself when nothing changes)."""
    wanted = listing_freeze(report, proceeding)
    return report if wanted == report.frozen_by else replace(report, frozen_by=wanted)


def apply_listing_freeze(res: Resources, siren: str) -> None:
    """Refresher: freeze or release ``siren``'s reports as its collective proceedings call for (idempotent)."""
    judgments = res.store.registry.list_judgments(siren)
    if not judgments:
        return  # never in a proceeding (notices are kept, cancelled ones flagged): nothing frozen
    # A company in a proceeding is rare: the report's writer and the mails load then, not at every cold start.
    from functions.core.usecases.directory import mails
    from functions.core.usecases.directory.progress import change_report

    proceeding = last_proceeding(judgments, today_in_paris(res.clock()))
    for report in res.store.reports.list_for_debtor(siren):
        if frozen_as_registry_says(report, proceeding) == report:
            continue
        changed = change_report(
            res,
            report.id,
            lambda current: _changed(current, proceeding),
            actor=REGISTRY_ACTOR,
            action="report.frozen" if listing_freeze(report, proceeding) else "report.released",
        )
        if changed is None:
            continue  # another writer applied it first, and told the creditor
        before, after = changed
        log.info("listing freeze", extra={"report": after.id, "frozen_by": after.frozen_by})
        if after.frozen_by and proceeding is not None:
            res.mailer.send(mails.frozen_to_creditor(after, proceeding))
        elif before.frozen_by and not after.frozen_by:
            res.mailer.send(mails.unfrozen_to_creditor(after))


def _changed(report: Report, proceeding: Proceeding | None) -> Report | None:
    after = frozen_as_registry_says(report, proceeding)
    return None if after == report else after
