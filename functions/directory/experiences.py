"""``POST /experiences``: members share invoices paid on time or late (JSON or CSV).

Experiences are never published one by one: they only feed a company's payment
index, and only once three different creditors or more have shared some.
"""

from __future__ import annotations

from typing import Any

from flask import request

from functions.core.http import Api, services
from functions.core.services import experiences
from functions.core.services.directory.members import authenticate_member
from functions.core.validation import Model

api = Api("experiences", tag="Expériences de paiement")

# 10,000 lines of JSON weigh about 1.2 MB: more than the app's default body limit.
MAX_BODY_BYTES = 4 * 1024 * 1024


class LineError(Model):
    """Erreurs d'une ligne refusée."""

    line: int
    errors: list[dict[str, str]]


class SharedExperiences(Model):
    """Résultat d'un envoi : lignes reçues, acceptées, et erreurs ligne par ligne."""

    received: int
    accepted: int
    rejected: list[LineError]


def _bearer() -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@api.route(
    "/experiences",
    "POST",
    summary=(
        "Partager jusqu'à 10 000 factures payées (JSON ou CSV : debtor_siren, amount_cents, due_date, paid_on, "
        "reference) ; jamais publiées une à une, elles nourrissent l'indice dès trois créanciers."
    ),
    responses={200: SharedExperiences},
    security="memberToken",
    problems=(413, 415),
)
def post_experiences() -> Any:
    ctx = services()
    member = authenticate_member(ctx, _bearer())
    request.max_content_length = MAX_BODY_BYTES
    lines = experiences.parse_lines(request.mimetype, request.get_data())
    return experiences.share_experiences(ctx, creditor_siren=member.siren, member_id=member.id, lines=lines)
