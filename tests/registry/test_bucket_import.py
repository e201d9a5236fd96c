"""Production imports: files dropped under ``registry/`` of a bucket, read by byte ranges, chunked by time, resumed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.core.resources import Resources
from functions.core.usecases.registry_import import import_bucket
from tests.registry.samples import generate as sample

SAMPLES = Path(__file__).with_name("samples")


@pytest.fixture
def bucket() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-3")
        client.create_bucket(Bucket="registre", CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        for key, name in (
            ("registry/2024-04-01/StockUniteLegale_utf8.csv", "StockUniteLegale_sample.csv"),
            ("registry/2024-04-01/StockEtablissement_utf8.csv", "StockEtablissement_sample.csv"),
            ("registry/2024-04-02/bodacc.json", "bodacc_annonces_sample.json"),
        ):
            client.put_object(Bucket="registre", Key=key, Body=(SAMPLES / name).read_bytes())
        client.put_object(Bucket="registre", Key="registry/2024-04-02/notes.txt", Body=b"pas un fichier du registre\n")
        yield client


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)  # the store's side is tested on both elsewhere
def test_files_dropped_in_the_bucket_are_imported_over_several_runs_each_carrying_on(
    resources: Resources, bucket: Any
) -> None:
    calls = iter(range(10_000))
    first = import_bucket(resources, bucket, "registre", out_of_time=lambda: next(calls) >= 2, batch=60)
    assert not first["complete"] and first["stopped_in"].startswith("registry/2024-04-01/Stock")
    runs = 1
    result = first
    while not result["complete"]:
        budget = iter(range(10_000))
        result = import_bucket(resources, bucket, "registre", out_of_time=lambda b=budget: next(b) >= 4, batch=60)
        runs += 1
    assert runs > 2
    assert result["unreadable"] == ["notes.txt: neither a StockUniteLegale nor a StockEtablissement header"]
    sa = resources.store.registry.get_identity(sample.SA)
    assert sa is not None and sa.head_office is not None and sa.head_office.city == "PARIS 8"
    assert resources.store.registry.list_judgments(sample.REDRESSEMENT)
    again = import_bucket(resources, bucket, "registre", out_of_time=lambda: False)
    assert again["imported"] == [] and again["skipped"] == 3 and again["complete"]
