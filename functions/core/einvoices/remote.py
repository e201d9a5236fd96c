"""Who reads a cited e-invoice: this process, or the einvoice stage invoked with the file's evidence key.

``ARDOISE_EINVOICE_READER`` chooses: ``inprocess`` (local runs, tests: needs
the ``einvoice`` extra) or ``lambda:FUNCTION_NAME`` (production: the API
stages stay without lxml and pypdf). Both answer alike, through
:func:`read_stored_invoice`'s JSON: the terms read, or why the file is not an
invoice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from functions.core.domain.einvoice import EInvoice
from functions.core.einvoices import NoEInvoiceInside, UnreadableEInvoice, einvoice_from_data, einvoice_to_data

# Returns a stored file's bytes by its evidence key, None when nothing was uploaded under it.
Fetch = Callable[[str], bytes | None]

# The einvoice stage's entry point, as Zappa's direct invocation names it (``functions/einvoice/jobs.py``).
COMMAND = "functions.einvoice.jobs.read_invoice"


class EInvoiceReaderUnavailable(RuntimeError):
    """The einvoice stage failed or could not be reached: the filing is to be tried again later."""


@dataclass(frozen=True)
class ReadInvoice:
    """The terms read, and the SHA-256 of the bytes they were read from."""

    einvoice: EInvoice
    sha256: str


class EInvoiceReader(Protocol):
    """Reads the e-invoice stored under an evidence key."""

    def read(self, key: str) -> ReadInvoice:
        """Return its terms; raise NoEInvoiceInside (a plain PDF), UnreadableEInvoice or EInvoiceReaderUnavailable."""


def read_stored_invoice(content: bytes | None) -> dict[str, Any]:
    """Read a stored file as an e-invoice.

    Answer ``{"einvoice": terms, "sha256": digest of the bytes read}``, ``{"absent": why}`` (a PDF
    without Factur-X XML: a plain PDF invoice) or ``{"unreadable": why}``.
    """
    from functions.core.einvoices.reading import read_einvoice  # deferred: lxml, pypdf and the XSDs

    if content is None:
        return {"unreadable": "La pièce n'a pas été déposée."}
    try:
        # The digest of the bytes read: the caller checks they are those it pinned when they were cited.
        return {"einvoice": einvoice_to_data(read_einvoice(content)), "sha256": hashlib.sha256(content).hexdigest()}
    except NoEInvoiceInside as exc:
        return {"absent": str(exc)}
    except UnreadableEInvoice as exc:
        return {"unreadable": str(exc)}


def _answer(answer: dict[str, Any]) -> ReadInvoice:
    if "einvoice" in answer:
        return ReadInvoice(einvoice_from_data(answer["einvoice"]), str(answer.get("sha256", "")))
    if "absent" in answer:
        raise NoEInvoiceInside(str(answer["absent"]))
    raise UnreadableEInvoice(str(answer.get("unreadable") or "Facture électronique illisible."))


class InProcessReader:
    """Reads in this process (local runs, tests)."""

    def __init__(self, fetch: Fetch) -> None:
        self.fetch = fetch

    def read(self, key: str) -> ReadInvoice:
        return _answer(read_stored_invoice(self.fetch(key)))


class LambdaReader:
    """Invokes the einvoice stage synchronously with the evidence key; the stage reads the file from S3."""

    def __init__(self, function_name: str, client: Any = None, region: str = "eu-west-3") -> None:
        if client is None:
            import boto3  # deferred: local runs never pay for it

            client = boto3.client("lambda", region_name=region)
        self.function_name, self.client = function_name, client

    def read(self, key: str) -> ReadInvoice:
        payload = json.dumps({"command": COMMAND, "evidence_key": key}).encode()
        try:
            response = self.client.invoke(
                FunctionName=self.function_name, InvocationType="RequestResponse", Payload=payload
            )
            body = response["Payload"].read()
        except Exception as exc:  # botocore's errors (throttling, network, permissions): the reader is unavailable
            raise EInvoiceReaderUnavailable(f"einvoice stage not reached: {exc}") from exc
        if response.get("FunctionError"):
            raise EInvoiceReaderUnavailable(f"einvoice stage failed: {body[:500]!r}")
        answer = json.loads(body)
        if not isinstance(answer, dict):
            raise EInvoiceReaderUnavailable(f"einvoice stage answered {body[:200]!r}")
        return _answer(answer)


def einvoice_reader(setting: str, fetch: Fetch, *, lambda_client: Any = None) -> EInvoiceReader:
    """Open the reader ``ARDOISE_EINVOICE_READER`` names (``fetch`` reads the evidence store, in process)."""
    if setting.startswith("lambda:"):
        return LambdaReader(setting.removeprefix("lambda:"), lambda_client)
    return InProcessReader(fetch)
