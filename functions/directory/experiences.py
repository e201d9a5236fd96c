"""``POST /experiences``: members share invoices paid on time or late (JSON or CSV).

Experiences are never published one by one: they only feed a company's payment
index, and only once three different creditors or more have shared some.
"""

from __future__ import annotations

from typing import Any

from flask import request

from functions.core.domain.members import Member
from functions.core.http import Api, resources
from functions.core.usecases.directory import experiences
from functions.core.validation import Model
from functions.directory.auth import current_member

api = Api("experiences", tag="Expériences de paiement")

# 10,000 lines of JSON weigh about 1.2 MB: more than the app's default body limit.
MAX_BODY_BYTES = 4 * 1024 * 1024


def request_body() -> dict[str, dict[str, Any]]:
    """The body's schemas for the OpenAPI document, from the very model each line is validated with."""
    line = experiences.ExperienceLine.model_json_schema()
    lines = {"type": "array", "items": line, "maxItems": experiences.MAX_LINES}
    return {
        "application/json": {
            "oneOf": [lines, {"type": "object", "required": ["experiences"], "properties": {"experiences": lines}}]
        },
        "text/csv": {
            "type": "string",
            "description": "En-tête debtor_siren,amount_cents,due_date,paid_on,reference (séparateur , ou ;), UTF-8.",
        },
    }


class LineError(Model):
    """Erreurs d'une ligne refusée."""

    line: int
    errors: list[dict[str, str]]


class SharedExperiences(Model):
    """Résultat d'un envoi : lignes reçues, acceptées, et erreurs ligne par ligne."""

    received: int
    accepted: int
    rejected: list[LineError]


@api.route(
    "/experiences",
    "POST",
    summary=(
        "Partager jusqu'à 10 000 factures payées (JSON ou CSV : debtor_siren, amount_cents, due_date, paid_on, "
        "reference) ; jamais publiées une à une, elles nourrissent l'indice dès trois créanciers."
    ),
    responses={200: SharedExperiences},
    security="memberToken",
    problems=(403, 413, 415),
    auth=current_member,
    raw_body=request_body,
    # Sharing an invoice again replaces it: a failed upload is simply sent again.
    repeatable=True,
    max_body_bytes=MAX_BODY_BYTES,
)
def post_experiences(principal: Member) -> Any:
    lines = experiences.parse_lines(request.mimetype, request.get_data())
    return experiences.share_experiences(
        resources(), creditor_siren=principal.siren, member_id=principal.id, lines=lines
    )
