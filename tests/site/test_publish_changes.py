"""Publishing from what changed: one change costs the same few store requests and uploads at any size.

The publisher reads the companies marked since its last publish (``store.site_changes``), takes
the others from the build state it keeps in the bucket, and uploads only what the change touched.
Measured under moto (DynamoDB requests counted as the SDK sends them, S3 uploads as the target
makes them), with a fresh build folder each time: a new Lambda, whose ``/tmp`` is empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from functions.core.clock import FixedClock
from functions.core.domain.reports import ReportStatus
from functions.core.identifiers import with_check_digit
from functions.core.mailer import OutboxMailer
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.usecases.propagation import refresh_marked
from functions.site.pipeline import Publication, publish_changes
from functions.site.publish.common import FileInfo, StateMoved
from functions.site.publish.folder import FolderTarget
from functions.site.publish.s3 import STATE_KEY, S3Target
from tests.conftest import make_backend
from tests.directory.factories import make_report

BUCKET = "ardoise-site"
WORDS = ("Boulangerie", "Garage", "Menuiserie", "Plomberie", "Librairie", "Transports", "Atelier", "Café")
PLACES = ("du Centre", "de la Gare", "Martin", "Dubois", "Lefèvre", "des Alpes", "du Port")


class CountingTarget(S3Target):
    """The site bucket, noting the site files it uploads."""

    def __init__(self, client: Any) -> None:
        super().__init__(BUCKET, client)
        self.uploaded: list[str] = []

    def put(self, info: FileInfo, data: bytes) -> str:
        self.uploaded.append(info.path)
        return super().put(info, data)


class Platform:
    """A DynamoDB store and a site bucket under moto, with their requests counted."""

    def __init__(self, tmp_path: Path, settings: Any, clock: FixedClock) -> None:
        backend = make_backend("dynamodb", tmp_path)
        assert isinstance(backend, DynamoDbBackend)
        self.store_requests: list[str] = []
        backend.client.meta.events.register("before-call.dynamodb", self._store_request)
        self.s3 = boto3.client("s3", region_name="eu-west-3")
        self.s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        self.s3_requests: list[str] = []
        self.s3.meta.events.register("before-call.s3", self._s3_request)
        self.tmp_path, self.settings, self.clock = tmp_path, settings, clock
        self.store = Store(backend, clock)
        self.lambdas = 0

    def _store_request(self, model: Any, **_: Any) -> None:
        self.store_requests.append(model.name)

    def _s3_request(self, model: Any, **_: Any) -> None:
        self.s3_requests.append(model.name)

    def fresh_lambda(self) -> Resources:
        """Resources as a new publisher Lambda has them: an empty build folder."""
        self.lambdas += 1
        settings = self.settings.replace(site_build_dir=str(self.tmp_path / f"lambda-{self.lambdas}"))
        return Resources(
            settings,
            store=self.store,
            mailer=OutboxMailer(self.tmp_path / "mail", settings.mail_from),
            clock=self.clock,
        )

    def publish(self, res: Resources) -> tuple[Publication, CountingTarget]:
        target = CountingTarget(self.s3)
        self.store_requests.clear()
        self.s3_requests.clear()
        return publish_changes(res, target), target


def siren_of(n: int) -> str:
    return with_check_digit(f"{31_000_000 + n:08d}")


def name_of(n: int) -> str:
    return f"{WORDS[n % len(WORDS)]} {PLACES[n // len(WORDS) % len(PLACES)]} {n}"


def list_companies(store: Store, count: int) -> None:
    for n in range(count):
        report = make_report(
            id=f"rpt_{n:05d}", debtor_siren=siren_of(n), debtor_name=name_of(n), number=f"F-{n}",
            status=ReportStatus.PUBLISHED,
        )  # fmt: skip
        store.reports.file_report(report, actor="test")


@pytest.fixture
def platform(tmp_path: Path, settings: Any, clock: FixedClock) -> Iterator[Platform]:
    with mock_aws():
        yield Platform(tmp_path, settings, clock)


def one_change_at(platform: Platform, companies: int) -> tuple[Publication, CountingTarget, list[str]]:
    """List ``companies``, publish them all, then publish one more report on one of them."""
    list_companies(platform.store, companies)
    refresh_marked(platform.fresh_lambda())
    first, _ = platform.publish(platform.fresh_lambda())
    assert first.full and first.uploaded > companies
    changed = make_report(
        id="rpt_change", debtor_siren=siren_of(3), debtor_name=name_of(3), number="F-change",
        amount_cents=4_321_00, status=ReportStatus.PUBLISHED,
    )  # fmt: skip
    platform.store.reports.file_report(changed, actor="test")
    refresh_marked(platform.fresh_lambda())  # what the request that made the change runs
    publication, target = platform.publish(platform.fresh_lambda())
    return publication, target, list(platform.store_requests)


def test_one_change_costs_the_same_store_requests_and_uploads_whatever_the_number_of_companies(
    tmp_path: Path, settings: Any, clock: FixedClock
) -> None:
    costs = {}
    for size in (8, 32):
        with mock_aws():
            platform = Platform(tmp_path / f"size-{size}", settings, clock)
            publication, target, requests = one_change_at(platform, size)
            page = f"entreprises/{siren_of(3)}-{name_of(3).lower().replace(' ', '-')}/index.html"
            assert page in target.uploaded
            body = platform.s3.get_object(Bucket=BUCKET, Key=page)["Body"].read().decode()
            assert "4\u202f321,00\u00a0€" in body
            assert not publication.full and publication.changed == 1
            costs[size] = (len(requests), sorted(target.uploaded))
    (small_requests, small_uploads), (large_requests, large_uploads) = costs.values()
    assert small_requests == large_requests <= 50
    # Its queue, its signature, its profile, its listed reports, the registry's freshness (the sources
    # page: one query whatever the size), then its mark cleared.
    assert requests == ["Query", "GetItem", "GetItem", "Query", "Query", "TransactWriteItems"]
    # Its page, its directory page, the home page's figures (the amount owed) and its search shards.
    assert small_uploads == large_uploads and len(large_uploads) <= 20
    assert "index.html" in large_uploads and "entreprises/index.html" not in large_uploads  # same count listed


def test_a_fresh_lambda_finds_the_build_state_in_the_bucket_in_a_few_requests(platform: Platform) -> None:
    publication, _, requests = one_change_at(platform, 20)
    assert not publication.full  # the state came from the bucket, not from a read of every company
    state_reads = [name for name in platform.s3_requests if name in ("HeadObject", "GetObject")]
    assert state_reads.count("GetObject") == 2  # the state, the manifest
    assert "ListObjectsV2" not in platform.s3_requests  # the manifest is trusted: no listing of 100,000 files
    assert "Scan" not in requests and requests.count("Query") <= 3


def test_a_day_passing_with_no_change_publishes_nothing(platform: Platform) -> None:
    one_change_at(platform, 20)
    platform.clock.advance(days=1)
    refresh_marked(platform.fresh_lambda())
    publication, target = platform.publish(platform.fresh_lambda())
    assert target.uploaded == [] and publication.uploaded == 0 and publication.deleted == 0
    assert "PutObject" not in platform.s3_requests  # neither a page, nor the manifest, nor the state
    assert publication.changed == 0 and not publication.full


def test_a_company_leaving_the_listing_loses_its_page_and_the_others_stay(platform: Platform) -> None:
    list_companies(platform.store, 10)
    refresh_marked(platform.fresh_lambda())
    platform.publish(platform.fresh_lambda())
    report = platform.store.reports.get_report("rpt_00004")
    assert report is not None
    platform.store.reports.delete_report(report, actor="test")
    refresh_marked(platform.fresh_lambda())
    publication, _ = platform.publish(platform.fresh_lambda())
    keys = {item["Key"] for item in platform.s3.list_objects_v2(Bucket=BUCKET, Prefix="entreprises/3")["Contents"]}
    assert not any(key.startswith(f"entreprises/{siren_of(4)}-") for key in keys)
    assert any(key.startswith(f"entreprises/{siren_of(5)}-") for key in keys)
    assert publication.deleted == 1 and not publication.full


def test_the_same_process_publishes_again_without_downloading_its_state(platform: Platform) -> None:
    list_companies(platform.store, 10)
    res = platform.fresh_lambda()
    refresh_marked(res)
    platform.publish(res)
    platform.store.reports.file_report(
        make_report(id="rpt_more", debtor_siren=siren_of(2), debtor_name=name_of(2), status=ReportStatus.PUBLISHED),
        actor="test",
    )
    refresh_marked(res)
    publication, target = platform.publish(res)
    assert publication.uploaded == len(target.uploaded) > 0
    assert platform.s3_requests.count("GetObject") == 1  # the manifest; the state is the one this process wrote


class RacedTarget(CountingTarget):
    """A bucket whose build state another publisher replaces while this one publishes."""

    def write_state(self, source: Path, expected: str | None) -> str:
        self.client.put_object(Bucket=BUCKET, Key=STATE_KEY, Body=b"another publisher's state")
        return super().write_state(source, expected)


def test_a_publish_that_another_one_overtook_keeps_its_marks_for_the_next(platform: Platform) -> None:
    list_companies(platform.store, 6)
    refresh_marked(platform.fresh_lambda())
    platform.publish(platform.fresh_lambda())
    report = make_report(
        id="rpt_raced", debtor_siren=siren_of(1), debtor_name=name_of(1), number="F-raced", amount_cents=7_777_00,
        status=ReportStatus.PUBLISHED,
    )  # fmt: skip
    platform.store.reports.file_report(report, actor="test")
    refresh_marked(platform.fresh_lambda())
    publish_changes(platform.fresh_lambda(), RacedTarget(platform.s3))
    assert [mark.data["siren"] for mark in platform.store.site_changes.list_marked()] == [siren_of(1)]
    with pytest.raises(StateMoved):
        S3Target(BUCKET, platform.s3).write_state(Path(__file__), None)  # there is one: only over it
    publication, _ = platform.publish(platform.fresh_lambda())
    assert publication.full  # the other state is unreadable here: everything again, from the store
    assert platform.store.site_changes.list_marked() == []


def test_a_folder_keeps_the_state_beside_the_site_only_over_the_copy_it_started_from(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    state.write_bytes(b"state")
    folder = FolderTarget(tmp_path / "site")
    first = folder.write_state(state, None)
    assert folder.state_stamp() == first and folder.read_state(tmp_path / "copy.sqlite") == first
    assert (tmp_path / "copy.sqlite").read_bytes() == b"state"
    with pytest.raises(StateMoved):
        folder.write_state(state, None)
    assert folder.write_state(state, first) == first
