"""The debtor's private page: the same facts as the JSON view, as a French HTML page with forms.

The e-mailed link opens this page in a browser (``Accept: text/html``); its
forms post to the same JSON endpoints. The token is in the URL, so the page
is never cached nor sent as a referrer, and only its own nonce'd script runs.
"""

from __future__ import annotations

from flask import Response, render_template

from functions.core.clock import today_in_paris
from functions.core.domain.lifecycle import MIN_DISPUTE_TEXT, STATUS_LABELS
from functions.core.domain.reports import DISPUTE_REASON_LABELS, DebtorAction, DisputeReason
from functions.core.errors import Problem
from functions.core.french import format_eur, long_date, short_date
from functions.core.headers import CSP, new_nonce, page_csp
from functions.core.tokens import CODE_LENGTH
from functions.core.usecases.directory.replies import EVIDENCE_TYPES, DebtorPage, accepted_kinds
from functions.core.usecases.directory.wording import points

# The debtor declares a payment through its own form, not as a dispute reason.
_REASONS = [
    (reason.value, label) for reason, label in DISPUTE_REASON_LABELS.items() if reason is not DisputeReason.ALREADY_PAID
]
# The file pickers offer exactly what the API takes: its media types (checked before upload) and their endings.
_EVIDENCE = {
    "types": ",".join(EVIDENCE_TYPES),
    "accept": ",".join([*EVIDENCE_TYPES, *(end for _, ends in EVIDENCE_TYPES.values() for end in ends)]),
    "kinds": accepted_kinds(),
}


def reply_page(page: DebtorPage, documents_url: str) -> Response:
    """Render the debtor's page with strict headers (``documents_url``: where the creditor's documents download)."""
    report, penalties = page.report, page.penalties
    nonce = new_nonce()
    html = render_template(
        "reply.html",
        page=page,
        nonce=nonce,
        status=STATUS_LABELS[report.status],
        actions=DebtorAction,
        min_dispute_text=MIN_DISPUTE_TEXT,
        reasons=_REASONS,
        evidence=_EVIDENCE,
        penalty_points=points(penalties.points),
        documents_url=documents_url,
        verified_on=long_date(today_in_paris(report.verified_at)) if report.verified_at else "",
        uploaded={d.id: short_date(today_in_paris(d.uploaded_at)) for d in report.documents},
        dates={
            "issue": long_date(report.invoice.issue_date),
            "due": long_date(report.invoice.due_date),
            "publication": long_date(today_in_paris(report.publish_after))
            if report.publish_after and not report.published_at
            else "",
            "link_expires": long_date(today_in_paris(page.link.expires_at)),
        },
        amounts={
            "amount": format_eur(report.invoice.amount_cents),
            "outstanding": format_eur(report.outstanding_cents),
            "penalties": format_eur(penalties.interest_cents),
            "indemnity": format_eur(penalties.indemnity_cents),
        },
    )
    # Its script posts to this API and, with S3 storage, uploads straight to the bucket. The edge adds
    # the other headers: no-store and no referrer (the token is in the URL), nosniff, no framing.
    policy = page_csp(nonce, connect="'self' https://*.amazonaws.com", form_action="'self'")
    return Response(html, mimetype="text/html", headers={CSP: policy})


def code_page(problem: Problem | None = None, typed: str = "") -> Response:
    """The page where a letter's short code is typed (again, with what was wrong, after a failure)."""
    nonce = new_nonce()
    html = render_template("code.html", problem=problem, typed=typed, length=CODE_LENGTH, nonce=nonce)
    # No script: its form posts to this same address. The edge adds no-store, no referrer, nosniff, no framing.
    response = Response(html, mimetype="text/html", headers={CSP: page_csp(nonce, form_action="'self'")})
    if problem is not None:
        response.status_code = problem.status
        response.headers.update(problem.headers)
    return response
