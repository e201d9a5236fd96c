"""Payment experiences shared by members: parsed line by line, stored, never shown one by one.

A member sends up to :data:`MAX_LINES` invoices a call, as JSON
(``{"experiences": [{...}, ...]}``) or CSV (a header line, then one invoice a
line, ``,`` or ``;`` separated), each with the debtor's SIREN, the amount in
cents, the due date and the payment date (ISO dates), and optionally the
invoice's reference. Valid lines are stored; each invalid one comes back with
its line number and errors, and does not prevent the others.
"""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from typing import Any

from pydantic import Field, ValidationError

from functions.core.clock import today_in_paris
from functions.core.domain.solvency import WINDOW_MONTHS, Experience
from functions.core.domain.windows import check_experience_dates
from functions.core.errors import BadRequest, FieldError, PayloadTooLarge, UnsupportedMediaType
from functions.core.json_input import load_json
from functions.core.resources import Resources
from functions.core.validation import Model, SingleLine, Siren, field_errors

MAX_LINES = 10_000
COLUMNS = ("debtor_siren", "amount_cents", "due_date", "paid_on", "reference")


class ExperienceLine(Model):
    """Une facture payée (à l'heure ou en retard)."""

    debtor_siren: Siren
    amount_cents: int = Field(ge=1, le=10**13, description="Montant TTC en centimes.")
    due_date: date = Field(
        description="Au plus 366 jours après aujourd'hui (echeance_trop_lointaine), à 5 ans au plus du paiement "
        "(dates_trop_eloignees)."
    )
    paid_on: date = Field(
        description="Au plus aujourd'hui (date_future) ; la plus tardive des deux dates a moins de 24 mois "
        "(trop_ancienne)."
    )
    reference: SingleLine = Field(default="", max_length=64, description="Votre numéro de facture (facultatif).")


def parse_lines(mimetype: str, raw: bytes) -> list[dict[str, Any]]:
    """Return the submitted lines as dicts (JSON or CSV); 400/413/415 when the whole body is wrong."""
    if mimetype == "application/json":
        payload = load_json(raw)
        lines = payload.get("experiences") if isinstance(payload, dict) else payload
        if not isinstance(lines, list):
            raise BadRequest('Un objet {"experiences": [...]} est attendu.')
    elif mimetype in ("text/csv", "text/plain"):
        lines = _csv_lines(raw)
    else:
        raise UnsupportedMediaType("Envoyez du JSON (application/json) ou du CSV (text/csv).")
    if not lines:
        raise BadRequest("Aucune ligne reçue.")
    if len(lines) > MAX_LINES:
        raise PayloadTooLarge(f"{len(lines)} lignes reçues ; {MAX_LINES} au plus par envoi.")
    return lines


def _csv_lines(raw: bytes) -> list[dict[str, Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadRequest("Le CSV doit être encodé en UTF-8.") from exc
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
    if missing:
        raise BadRequest(f"Colonnes manquantes dans l'en-tête du CSV : {', '.join(missing)}.")
    return [{k: v for k, v in row.items() if k in COLUMNS and v not in (None, "")} for row in reader]


def check_line(line: Any, creditor_siren: str, today: date) -> tuple[Experience | None, list[FieldError]]:
    """Validate one line; return the experience or the line's errors."""
    if not isinstance(line, dict):
        return None, [FieldError("line", "objet_attendu", "Chaque ligne doit être un objet.")]
    try:
        parsed = ExperienceLine.model_validate(line)
    except ValidationError as exc:
        return None, field_errors(exc)
    errors = []
    if parsed.debtor_siren == creditor_siren:
        errors.append(FieldError("debtor_siren", "soi_meme", "Une entreprise ne partage pas ses propres factures."))
    errors += check_experience_dates(parsed.due_date, parsed.paid_on, today)
    if errors:
        return None, errors
    experience = Experience(
        creditor_siren=creditor_siren,
        debtor_siren=parsed.debtor_siren,
        amount_cents=parsed.amount_cents,
        due_date=parsed.due_date,
        paid_on=parsed.paid_on,
        reference=parsed.reference,
    )
    if experience.kept_until < today:
        message = f"Facture payée ou échue il y a plus de {WINDOW_MONTHS} mois : elle ne compte plus dans l'indice."
        return None, [FieldError("paid_on", "trop_ancienne", message)]
    return experience, []


def share_experiences(res: Resources, *, creditor_siren: str, member_id: str, lines: list[Any]) -> dict[str, Any]:
    """Store the valid lines of one member; return the counts and the per-line errors."""
    today = today_in_paris(res.clock())
    accepted: list[Experience] = []
    rejected: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        experience, errors = check_line(line, creditor_siren, today)
        if experience is None:
            rejected.append({"line": number, "errors": [error.as_dict() for error in errors]})
        else:
            accepted.append(experience)
    res.store.experiences.share_experiences(creditor_siren, accepted, f"member:{member_id}")
    return {"received": len(lines), "accepted": len(accepted), "rejected": rejected}


def purge_expired_experiences(res: Resources, *, batch: int = 500, budget_seconds: float = 20.0) -> int:
    """Delete the experiences the index no longer counts, batch after batch within a time budget (tick step)."""
    deadline = time.monotonic() + budget_seconds
    purged = 0
    while time.monotonic() < deadline:
        done = res.store.experiences.purge_expired(batch)
        purged += done
        if done < batch:
            break
    return purged
