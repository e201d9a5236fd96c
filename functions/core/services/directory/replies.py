"""The debtor's private link: see the report, upload evidence, dispute, declare payment, reply.

The link is a 256-bit random token, stored only as a digest, valid for
``ARDOISE_REPLY_LINK_DAYS`` and only for its own report. A dispute or a payment
declaration freezes publication (or takes a published report off the listing)
until a moderator decides; the creditor is told at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from functions.core.context import Services
from functions.core.domain import lifecycle
from functions.core.domain.penalties import Penalties
from functions.core.domain.reports import Dispute, DisputeKind, DisputeReason, Report, ReportStatus
from functions.core.errors import FieldError, Gone, NotFound, PayloadTooLarge, RuleNotMet
from functions.core.services.directory import mails
from functions.core.services.directory.notices import penalties_of
from functions.core.services.directory.progress import change_report
from functions.core.store.evidence import MAX_EVIDENCE_BYTES, EvidenceStorage, Upload, evidence_storage
from functions.core.store.replies import Evidence, ReplyLink

MAX_EVIDENCE_FILES = 10
ACCEPTED_TYPES = frozenset(
    {
        "application/pdf",
        "image/jpeg",
        "image/png",
        "text/plain",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
)
CONTESTABLE = frozenset({ReportStatus.NOTIFIED, ReportStatus.PUBLISHED})


@dataclass(frozen=True)
class DebtorPage:
    """What the debtor sees behind its link."""

    report: Report
    link: ReplyLink
    penalties: Penalties
    evidence: list[Evidence]

    @property
    def can_contest(self) -> bool:
        return self.report.status in CONTESTABLE and self.report.moderation is None

    @property
    def can_reply(self) -> bool:
        return self.report.status in {ReportStatus.NOTIFIED, ReportStatus.PUBLISHED, ReportStatus.DISPUTED}


def storage(ctx: Services) -> EvidenceStorage:
    return evidence_storage(ctx.settings.evidence_url)


def open_link(ctx: Services, token: str) -> tuple[Report, ReplyLink]:
    """Resolve a token to its report; 404 unknown, 410 expired or report no longer held."""
    link = ctx.store.replies.find_link(token)
    if link is None:
        raise NotFound("Ce lien n'existe pas. Vérifiez qu'il a été copié en entier.")
    if link.expired(ctx.clock()):
        raise Gone("Ce lien a expiré. Écrivez-nous en citant la facture pour en recevoir un nouveau.")
    report = ctx.store.reports.get_report(link.report_id)
    if report is None:
        raise Gone("Ce signalement n'est plus conservé.")
    return report, link


def debtor_page(ctx: Services, token: str) -> DebtorPage:
    report, link = open_link(ctx, token)
    return DebtorPage(report, link, penalties_of(ctx, report, ctx.clock()), ctx.store.replies.list_evidence(report))


def start_upload(ctx: Services, token: str, *, filename: str, content_type: str, size: int) -> tuple[Evidence, Upload]:
    """Declare an evidence file and return how to upload it (presigned POST on S3, PUT locally)."""
    report, _ = open_link(ctx, token)
    if report.status not in CONTESTABLE:
        raise RuleNotMet("Ce signalement ne peut plus être contesté.")
    if size > MAX_EVIDENCE_BYTES:
        raise PayloadTooLarge("Chaque pièce doit faire au plus 5 Mo.")
    if content_type not in ACCEPTED_TYPES:
        raise RuleNotMet(
            "Type de fichier refusé.",
            [
                FieldError(
                    "content_type",
                    "type_de_piece_refuse",
                    "Envoyez un PDF, une image JPEG ou PNG, un texte ou un document Word.",
                )
            ],
        )
    if len(ctx.store.replies.list_evidence(report)) >= MAX_EVIDENCE_FILES:
        raise RuleNotMet(f"Au plus {MAX_EVIDENCE_FILES} pièces par signalement.")
    evidence_id = f"ev_{uuid.uuid4().hex[:12]}"
    evidence = Evidence(
        id=evidence_id,
        report_id=report.id,
        filename=filename,
        content_type=content_type,
        declared_bytes=size,
        key=f"{report.id}/{evidence_id}",
        created_at=ctx.clock(),
    )
    ctx.store.replies.record_evidence(report, evidence)
    local_url = f"{ctx.settings.base_url}/api/directory/replies/{token}/evidence/{evidence_id}"
    return evidence, storage(ctx).upload(evidence.key, content_type, local_url)


def receive_upload(ctx: Services, token: str, evidence_id: str, content: bytes) -> Evidence:
    """Store a file sent to the API itself (local folder storage)."""
    report, _ = open_link(ctx, token)
    evidence = _declared(ctx, report, evidence_id)
    if len(content) > MAX_EVIDENCE_BYTES:
        raise PayloadTooLarge("Chaque pièce doit faire au plus 5 Mo.")
    storage(ctx).write(evidence.key, content)
    return evidence


def _declared(ctx: Services, report: Report, evidence_id: str) -> Evidence:
    for evidence in ctx.store.replies.list_evidence(report):
        if evidence.id == evidence_id:
            return evidence
    raise NotFound("Aucune pièce déclarée sous cet identifiant pour ce signalement.")


def _checked_evidence(ctx: Services, report: Report, evidence_ids: list[str]) -> tuple[str, ...]:
    declared = {e.id: e for e in ctx.store.replies.list_evidence(report)}
    problems = []
    files = storage(ctx)
    for number, evidence_id in enumerate(evidence_ids):
        evidence = declared.get(evidence_id)
        size = files.size(evidence.key) if evidence else None
        if size is None or size > MAX_EVIDENCE_BYTES:
            problems.append(
                FieldError(
                    f"evidence_ids.{number}", "piece_manquante", "Cette pièce n'a pas été reçue (ou dépasse 5 Mo)."
                )
            )
    if problems:
        raise RuleNotMet("Certaines pièces n'ont pas été reçues.", problems)
    return tuple(dict.fromkeys(evidence_ids))


def _contest(ctx: Services, token: str, dispute_of: Callable[[Report], Dispute], email: str, action: str) -> Report:
    report, _ = open_link(ctx, token)

    def change(current: Report) -> Report:
        contested = lifecycle.disputed(current, dispute_of(current))
        return replace(contested, debtor=replace(contested.debtor, email=email)) if email else contested

    changed = change_report(ctx, report.id, change, actor=f"debtor:{report.debtor.siren}", action=action)
    assert changed is not None
    ctx.mailer.send(mails.dispute_to_creditor(changed[1]))
    return changed[1]


def dispute(
    ctx: Services, token: str, *, reason: DisputeReason, text: str, evidence_ids: list[str], email: str = ""
) -> Report:
    """The debtor contests: publication frozen (or report off the listing) until moderation."""
    report, _ = open_link(ctx, token)
    evidence = _checked_evidence(ctx, report, evidence_ids)
    now = ctx.clock()

    def dispute_of(current: Report) -> Dispute:
        return Dispute(DisputeKind.DISPUTE, reason, text, now, current.status is ReportStatus.PUBLISHED, evidence)

    return _contest(ctx, token, dispute_of, email, "report.disputed")


def declare_payment(
    ctx: Services,
    token: str,
    *,
    paid_on: date,
    amount_cents: int | None,
    text: str,
    evidence_ids: list[str],
    email: str = "",
) -> Report:
    """The debtor says it paid (with proof): treated as a dispute the creditor may settle by recording it."""
    report, _ = open_link(ctx, token)
    if not evidence_ids:
        raise RuleNotMet(
            "Un justificatif de paiement est nécessaire.",
            [FieldError("evidence_ids", "justificatif_manquant", "Joignez au moins un justificatif de paiement.")],
        )
    evidence = _checked_evidence(ctx, report, evidence_ids)
    now = ctx.clock()

    def dispute_of(current: Report) -> Dispute:
        return Dispute(
            DisputeKind.PAYMENT_DECLARED,
            DisputeReason.ALREADY_PAID,
            text,
            now,
            current.status is ReportStatus.PUBLISHED,
            evidence,
            paid_on=paid_on,
            declared_amount_cents=amount_cents,
        )

    return _contest(ctx, token, dispute_of, email, "report.payment_declared")


def reply(ctx: Services, token: str, text: str) -> Report:
    """The debtor's public reply, shown next to the report whenever it is listed."""
    report, _ = open_link(ctx, token)
    changed = change_report(
        ctx,
        report.id,
        lambda r: lifecycle.replied(r, text),
        actor=f"debtor:{report.debtor.siren}",
        action="report.replied",
    )
    assert changed is not None
    return changed[1]


def read_evidence(ctx: Services, report: Report, evidence_id: str) -> tuple[Evidence, bytes]:
    """Return a file for a moderator."""
    evidence = _declared(ctx, report, evidence_id)
    return evidence, storage(ctx).read(evidence.key)
