"""The einvoice stage through Zappa's own Lambda handler: a cited file read from S3 (moto), as the directory asks."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from zappa.handler import lambda_handler

from functions.core.einvoices import UnreadableEInvoice
from functions.core.einvoices.remote import COMMAND, LambdaReader
from tests.einvoices.samples import cii_xml, facturx_pdf, ubl_xml
from tests.einvoices.test_reading import BILLION_LAUGHS, _with_prolog
from tests.lambda_events.test_zappa_handler import EVENTS, ROOT, stage, stage_setting  # noqa: F401 - ``stage`` is the fixture used below

BUCKET, PREFIX = "ardoise-evidence", "pieces"
KEY = "rpt_0001/ev_facture.xml"


@pytest.fixture
def evidence_bucket(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The production layout: evidence in S3 under a prefix, named by ARDOISE_EVIDENCE."""
    monkeypatch.setenv("ARDOISE_EVIDENCE", f"s3://{BUCKET}/{PREFIX}")
    with mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        yield s3


def _store(s3: Any, content: bytes, key: str = KEY) -> None:
    s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}", Body=content)


class HandlerInvocations:
    """The Lambda service's share of an invocation, in process: the payload goes to Zappa's real handler.

    ``LambdaReader`` talks to it as to boto3's Lambda client: the same
    ``invoke`` call, the same JSON payload both ways.
    """

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, *, FunctionName: str, InvocationType: str, Payload: bytes) -> dict[str, Any]:  # noqa: N803 - boto3's names
        self.calls.append({"FunctionName": FunctionName, "InvocationType": InvocationType})
        answer = lambda_handler(json.loads(Payload), None)
        return {"StatusCode": 200, "Payload": io.BytesIO(json.dumps(answer).encode())}


def test_the_stage_invocation_names_the_real_entry_point() -> None:
    event = json.loads((EVENTS / "einvoice_read_invoice.json").read_text())
    assert event["command"] == COMMAND
    module, _, function = COMMAND.rpartition(".")
    assert callable(getattr(__import__(module, fromlist=[function]), function))
    assert stage_setting("directory", "environment_variables")["ARDOISE_EINVOICE_READER"] == "lambda:ardoise-einvoice"


@pytest.mark.usefixtures("stage")
@pytest.mark.parametrize("stage", ["einvoice"], indirect=True)
@pytest.mark.parametrize("make", [cii_xml, ubl_xml, facturx_pdf], ids=["cii", "ubl", "factur-x"])
def test_the_stage_reads_a_stored_e_invoice(evidence_bucket: Any, make: Any) -> None:
    content = make()
    _store(evidence_bucket, content)
    answer = lambda_handler(json.loads((EVENTS / "einvoice_read_invoice.json").read_text()), None)
    assert answer["sha256"] == hashlib.sha256(content).hexdigest()
    assert answer["einvoice"]["number"] == "F-2025-0412"
    assert answer["einvoice"]["amount_due_cents"] == 1_250_00
    assert (answer["einvoice"]["seller_siren"], answer["einvoice"]["buyer_siren"]) == ("732829320", "552100554")


@pytest.mark.usefixtures("stage")
@pytest.mark.parametrize("stage", ["einvoice"], indirect=True)
def test_the_stage_says_why_a_file_is_not_an_invoice(evidence_bucket: Any) -> None:
    _store(evidence_bucket, _with_prolog(BILLION_LAUGHS, cii_xml(), b"&lol9;"))
    answer = lambda_handler({"command": COMMAND, "evidence_key": KEY}, None)
    assert "DTD" in answer["unreadable"]
    assert lambda_handler({"command": COMMAND, "evidence_key": "rpt_0001/absent.xml"}, None) == {
        "unreadable": "La pièce n'a pas été déposée."
    }
    assert "evidence_key" in lambda_handler({"command": COMMAND}, None)["unreadable"]


@pytest.mark.usefixtures("stage")
@pytest.mark.parametrize("stage", ["einvoice"], indirect=True)
def test_the_directory_reads_through_the_stage_with_its_lambda_reader(evidence_bucket: Any) -> None:
    invocations = HandlerInvocations()
    reader = LambdaReader("ardoise-einvoice", invocations)
    content = facturx_pdf()
    _store(evidence_bucket, content)
    read = reader.read(KEY)
    assert read.einvoice.number == "F-2025-0412"
    assert read.sha256 == hashlib.sha256(content).hexdigest()
    assert invocations.calls == [{"FunctionName": "ardoise-einvoice", "InvocationType": "RequestResponse"}]
    _store(evidence_bucket, b"<html>pas une facture</html>", key="rpt_0001/page.html")
    with pytest.raises(UnreadableEInvoice, match="ni une facture CII"):
        reader.read("rpt_0001/page.html")


@pytest.mark.parametrize("function", ["directory", "charter", "reports", "einvoice"])
def test_no_api_function_imports_the_e_invoice_libraries_when_it_starts(function: str) -> None:
    code = (
        f"import sys, functions.{function}.app; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'lxml', 'pypdf', 'facturx', 'defusedxml'}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env=os.environ
    )
    assert loaded.stdout.strip() == "[]"
