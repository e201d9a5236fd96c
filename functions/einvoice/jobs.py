"""Entry point of the einvoice stage: the directory invokes it with the evidence key of a cited invoice.

The event is Zappa's direct invocation, ``{"command": "functions.einvoice.jobs.read_invoice",
"evidence_key": KEY}``; the file is read from the evidence storage (S3 in
production), never passed in the payload (6 MB at most, and the bytes the
moderator sees must be the stored ones). The answer is JSON:
``{"einvoice": {...}}`` (:func:`~functions.core.einvoices.einvoice_to_data`)
or ``{"unreadable": "why, in French"}``.
"""

from __future__ import annotations

from typing import Any

from functions.core.config import load_settings
from functions.core.einvoices.remote import read_stored_invoice
from functions.core.logs import configure_logging
from functions.core.store.evidence import evidence_storage, stored_bytes

COMMAND = "functions.einvoice.jobs.read_invoice"


def read_invoice(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Read the e-invoice stored under ``event["evidence_key"]``; Zappa calls this on a direct invocation."""
    settings = load_settings()
    configure_logging(settings.log_level)
    key = event.get("evidence_key")
    if not isinstance(key, str) or not key:
        return {"unreadable": "Aucune pièce indiquée (evidence_key)."}
    return read_stored_invoice(stored_bytes(evidence_storage(settings.evidence_url), key))
