"""Benchmark of publishing at scale: one change, a quiet day, a full rebuild, on DynamoDB (moto) and SQLite.

    .venv/bin/python bench/publish_scale.py [--companies 100000] [--signatories 10000] [--stores dynamodb,sqlite]

Fills a SQLite store through the store's own code (``file_report`` for each published invoice of
``--companies`` listed companies, 1 to 3 each; ``record_signature`` for ``--signatories``
signatories), then copies its items into a DynamoDB table under moto, so that both stores hold
what production would (reports, their public projections, aggregates, profiles, name words,
audit events...). The propagation's marks are dropped, as after the tick. Then, on each store,
publishing to an S3 bucket (moto):

1. ``FULL REBUILD``: the first publish (no build state yet), what ``ardoise publish --full`` runs:
   one parallel Scan of the table, every file rendered, every file uploaded;
2. ``PUBLISH AFTER ONE CHANGE``: one more invoice is published for one listed company (through
   ``file_report`` and the propagation the request runs), then a fresh publisher (an empty build
   folder, as a new Lambda) publishes: the store requests it makes, the site files it uploads;
3. ``QUIET DAY``: a day later, nothing changed: a fresh publisher publishes again.

Store requests are counted as sent: DynamoDB API calls (a Scan page, a Query, a GetItem...), or
calls to the SQLite backend. Each figure is printed as measured, then estimated on AWS at 5 ms a
store request: the time spent in store calls is replaced by 5 ms a request (the Scan's by 5 ms a
page divided among its parallel segments); rendering and S3 uploads stay as measured (moto's S3
is in-process). A smaller ``--companies`` shows the same per-change costs.

Goals: one change at most 50 store requests and 20 uploads whatever the size; a quiet day 0
uploads; the full rebuild under 10 minutes estimated on AWS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("ARDOISE_SECRET_KEY", "bench-only")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ[name] = "bench"  # moto only: never a real account
os.environ["AWS_DEFAULT_REGION"] = "eu-west-3"

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from site_build import REPLIES, company_name  # noqa: E402

from functions.core.clock import FixedClock  # noqa: E402
from functions.core.config import Settings, load_settings  # noqa: E402
from functions.core.domain.reports import ReportStatus  # noqa: E402
from functions.core.identifiers import with_check_digit  # noqa: E402
from functions.core.mailer import OutboxMailer  # noqa: E402
from functions.core.resources import Resources  # noqa: E402
from functions.core.store import Store  # noqa: E402
from functions.core.store.dynamodb import DynamoDbBackend, _item_to_attributes  # noqa: E402
from functions.core.store.items import Item, ItemBackend  # noqa: E402
from functions.core.store.public_content import SEGMENTS  # noqa: E402
from functions.core.store.sqlite import SqliteBackend  # noqa: E402
from functions.core.usecases.propagation import refresh_companies  # noqa: E402
from functions.site.pipeline import Publication, publish_changes, publish_full  # noqa: E402
from functions.site.publish.common import FileInfo  # noqa: E402
from functions.site.publish.folder import FolderTarget  # noqa: E402
from functions.site.publish.s3 import S3Target  # noqa: E402
from tests.charter.factories import make_signature  # noqa: E402
from tests.directory.factories import make_report  # noqa: E402

START = datetime(2026, 11, 23, 9, tzinfo=UTC)
AWS_REQUEST = 0.005
PAGE_BYTES = 1_048_576
BUCKET = "ardoise-site"
TABLE = "ardoise-bench"


def say(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


# -- counting store requests -------------------------------------------------------------------
class Meter:
    """Store requests made and the time spent in them (per thread, summed)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.seconds = 0.0
        self._lock = threading.Lock()
        self._started = threading.local()

    def reset(self) -> None:
        with self._lock:
            self.requests, self.seconds = [], 0.0

    def begin(self) -> None:
        self._started.at = time.perf_counter()

    def end(self, name: str) -> None:
        spent = time.perf_counter() - self._started.at
        with self._lock:
            self.requests.append(name)
            self.seconds += spent

    def watch_dynamodb(self, client: Any) -> None:
        client.meta.events.register("before-call.dynamodb", lambda **_: self.begin())
        client.meta.events.register("after-call.dynamodb", lambda model, **_: self.end(model.name))


class CountingSqlite:
    """The SQLite backend, each call counted as one request (a scan's pages are one call)."""

    def __init__(self, inner: SqliteBackend, meter: Meter) -> None:
        self.inner, self.meter = inner, meter

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if not callable(attribute) or name.startswith("_"):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.meter.begin()
            try:
                result = attribute(*args, **kwargs)
                return list(result) if name == "scan" else result
            finally:
                self.meter.end(name)

        return call


class CountingTarget(S3Target):
    """The site bucket, noting the site files it uploads."""

    def __init__(self, client: Any) -> None:
        super().__init__(BUCKET, client)
        self.uploaded: list[str] = []

    def put(self, info: FileInfo, data: bytes) -> str:
        self.uploaded.append(info.path)
        return super().put(info, data)


class CountingFolder(FolderTarget):
    """A site folder, noting the files it writes (``--target folder``: moto's S3 takes ~5 ms an object)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.uploaded: list[str] = []

    def put(self, info: FileInfo, data: bytes) -> str:
        self.uploaded.append(info.path)
        return super().put(info, data)


# -- the data ----------------------------------------------------------------------------------
def sirens(count: int, rng: random.Random) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        found.add(with_check_digit(f"{rng.randrange(10_000_000, 99_999_999):08d}"))
    ordered = sorted(found)
    rng.shuffle(ordered)
    return ordered


def fill(store: Store, companies: int, signatories: int, seed: int = 2026) -> tuple[str, str]:
    """File the invoices and record the signatures through the store's code; return two listed SIRENs."""
    rng = random.Random(seed)
    every = sirens(companies + signatories, rng)
    listed, signing = every[:companies], every[companies:]
    started, number = time.perf_counter(), 0
    for position, siren in enumerate(listed):
        name = company_name(rng)
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            number += 1
            issue = START.date() - timedelta(days=rng.randrange(60, 900))
            due = issue + timedelta(days=rng.choice((30, 45, 60)))
            amount = rng.randrange(10_000, 5_000_000)
            report = make_report(
                id=f"rpt_{number:07d}", debtor_siren=siren, debtor_name=name, number=f"F-{number}",
                issue_date=issue, due_date=due, amount_cents=amount,
                outstanding_cents=amount - rng.randrange(0, amount // 2), status=ReportStatus.PUBLISHED,
                published_at=datetime.combine(due + timedelta(days=40), datetime.min.time(), UTC),
                public_reply=rng.choice(REPLIES) if rng.random() < 0.33 else "",
            )  # fmt: skip
            store.reports.file_report(report, actor="bench")
        if position % 10_000 == 9_999:
            say(f"  {position + 1} companies listed ({time.perf_counter() - started:.0f} s)")
    for siren in signing:
        signed = START - timedelta(days=rng.randrange(10, 500))
        signature = make_signature(siren=siren, company_name=company_name(rng), signed_at=signed)
        store.signatures.record_signature(signature, None, action="signature.signed", actor="bench")
    say(
        f"  {number} invoices of {companies} companies, {signatories} signatures "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return listed[len(listed) // 3], listed[2 * len(listed) // 3]


def drop_marks(database: Path) -> None:
    """What the tick's propagation leaves: no company waiting (each was refreshed, then published)."""
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM items WHERE pk LIKE 'OUTBOX#%' OR pk LIKE 'PUBLISH#%'")


def rows(database: Path) -> Iterator[Item]:
    with sqlite3.connect(database) as db:
        query = "SELECT pk, sk, data, version, gsi1pk, gsi1sk, gsi2pk, gsi2sk, expires_at FROM items"
        for pk, sk, data, version, g1pk, g1sk, g2pk, g2sk, expires in db.execute(query):
            yield Item(pk, sk, json.loads(data), version, g1pk, g1sk, g2pk, g2sk, expires)


# What a publish of one change reads, beside the changed company's own items.
SITE_KINDS = (("COMPANY#", "PROFILE"), ("DEBTOR#", "LISTING#"), ("DEBTOR#", "AGGREGATE"), ("SIGNATURE#", "RECORD"))


def copy_to_dynamodb(database: Path, client: Any, only: set[str] | None) -> int:
    """Copy the SQLite store's items into the table (BatchWriteItem, 25 a request).

    ``only``: the whole partitions of these companies and the site's kinds of items of the
    others (moto writes about a thousand items a second: the 1.3 million items of 100,000
    companies would take it half an hour).
    """
    batch: list[dict[str, Any]] = []
    copied = 0

    def flush() -> None:
        pending: dict[str, Any] = {TABLE: batch}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}

    for item in rows(database):
        kept = only is None or item.pk.partition("#")[2] in only
        if not kept and not any(item.pk.startswith(pk) and item.sk.startswith(sk) for pk, sk in SITE_KINDS):
            continue
        batch.append({"PutRequest": {"Item": _item_to_attributes(item)}})
        copied += 1
        if len(batch) == 25:
            flush()
            batch = []
    if batch:
        flush()
    return copied


# -- the measures ------------------------------------------------------------------------------
@dataclass
class Measure:
    requests: int
    scan_pages: int
    uploads: int
    seconds: float
    store_seconds: float
    read_seconds: float = 0.0

    def on_aws(self) -> float:
        """Store time at 5 ms a request (a Scan's pages shared among its segments), the rest as measured."""
        if self.scan_pages:
            others = self.requests - self.scan_pages
            return self.seconds - self.read_seconds + others * AWS_REQUEST + self.scan_pages * AWS_REQUEST / SEGMENTS
        return self.seconds - self.store_seconds + self.requests * AWS_REQUEST


class Bench:
    def __init__(self, work: Path, store: Store, meter: Meter, s3: Any, clock: FixedClock) -> None:
        self.work, self.store, self.meter, self.s3, self.clock = work, store, meter, s3, clock
        self.lambdas = 0

    def fresh_lambda(self) -> Resources:
        self.lambdas += 1
        settings: Settings = load_settings(
            {
                "ARDOISE_HOME": str(self.work),
                "ARDOISE_STORE": f"sqlite:///{self.work}/unused.db",
                "ARDOISE_SITE_BUILD_DIR": str(self.work / f"lambda-{self.lambdas}"),
                "ARDOISE_SITE_DIR": str(self.work / "site"),
                "ARDOISE_SITE_BUCKET": BUCKET,
                "ARDOISE_SECRET_KEY": "bench-only",
                "ARDOISE_LOG_LEVEL": "WARNING",
            }
        )
        mailer = OutboxMailer(self.work / "mail", settings.mail_from)
        return Resources(settings, store=self.store, mailer=mailer, clock=self.clock)

    def target(self) -> CountingTarget | CountingFolder:
        return CountingTarget(self.s3) if self.s3 is not None else CountingFolder(self.work.parent / "site")

    def publish(self) -> tuple[Publication, Measure]:
        target = self.target()
        res = self.fresh_lambda()
        self.meter.reset()
        started = time.perf_counter()
        publication = publish_changes(res, target, echo=lambda message: None)
        seconds = time.perf_counter() - started
        requests = list(self.meter.requests)
        scans = requests.count("Scan") + requests.count("scan")
        measure = Measure(
            len(requests), scans, len(target.uploaded), seconds, self.meter.seconds, publication.steps.get("read", 0.0)
        )
        return publication, measure


def one_change(bench: Bench, siren: str, number: str) -> tuple[Publication, Measure]:
    """One more invoice published for ``siren`` (the request's path), then a fresh publisher publishes."""
    res = bench.fresh_lambda()
    report = make_report(
        id=f"rpt_change_{number}", debtor_siren=siren, debtor_name="Nouvelle Raison Sociale", number=number,
        amount_cents=4_321_00, status=ReportStatus.PUBLISHED, published_at=START,
    )  # fmt: skip
    bench.store.reports.file_report(report, actor="bench")
    refresh_companies(res, [siren])  # what the request that made the change runs before answering
    publication, measure = bench.publish()
    assert not publication.full and publication.changed == 1, publication
    return publication, measure


def quiet_day(bench: Bench) -> Measure:
    bench.clock.advance(days=1)
    return bench.publish()[1]


def change_lines(change: Measure, quiet: Measure, *, aws: bool = False) -> list[str]:
    seconds = change.on_aws() if aws else change.seconds
    prefix = "ON AWS, 5 ms A STORE REQUEST: " if aws else ""
    return [
        f"{prefix}PUBLISH AFTER ONE CHANGE: {change.requests} store requests, {change.uploads} uploads, "
        f"{seconds:.2f} s",
        f"{prefix}QUIET DAY: {quiet.uploads} uploads",
    ]


def dynamodb_bytes(item: Item) -> int:
    """An item's size as DynamoDB counts it against a Scan page's 1 MB (names and values, in bytes)."""
    size = 0
    for name, value in _item_to_attributes(item).items():
        size += len(name.encode()) + (len(value["S"].encode()) if "S" in value else len(value["N"]))
    return size


def scan_pages(database: Path, segments: int = SEGMENTS) -> tuple[int, int]:
    """Pages a parallel Scan of the whole table reads (each segment by pages of 1 MB), and the table's bytes."""
    by_segment = [0] * segments
    for item in rows(database):
        by_segment[zlib.crc32(item.pk.encode()) % segments] += dynamodb_bytes(item)
    return sum(max(1, -(-size // PAGE_BYTES)) for size in by_segment), sum(by_segment)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--signatories", type=int, default=10_000)
    parser.add_argument(
        "--copy-all-below", type=int, default=20_000,
        help="copy the whole table into moto (and Scan it there) up to this many companies",
    )  # fmt: skip
    parser.add_argument("--target", choices=("s3", "folder"), default="s3", help="publish to moto's S3, or a folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ardoise-publish-bench-") as folder:
        work = Path(folder)
        database = work / "ardoise.db"
        clock = FixedClock(START)
        say(f"filling a SQLite store: {args.companies} listed companies, {args.signatories} signatories...")
        first, second = fill(Store(SqliteBackend(database), clock), args.companies, args.signatories)
        drop_marks(database)
        print(f"{args.companies} listed companies, {args.signatories} signatories, {os.cpu_count()} cores", flush=True)
        with site_bucket(args.target) as s3:
            meter = Meter()
            counting: ItemBackend = CountingSqlite(SqliteBackend(database), meter)
            bench = Bench(work / "sqlite", Store(counting, clock), meter, s3, clock)
            say("SQLite: full rebuild (the first publish)...")
            full, rebuild = bench.publish()
            assert full.full, "the first publish is a full one"
            say(f"  {full.steps}, {full.uploaded} files uploaded")
            say("SQLite: one change, then a quiet day...")
            sqlite_change = one_change(bench, first, "F-bench-1")[1]
            sqlite_quiet = quiet_day(bench)
            sqlite_lines = [
                *change_lines(sqlite_change, sqlite_quiet),
                f"FULL REBUILD: {rebuild.requests} store requests, {rebuild.seconds:.1f} s",
            ]
            print("ON SQLITE:\n" + "\n".join(sqlite_lines), flush=True)

            run_dynamodb(args, work, database, s3=s3, clock=clock, changed=(first, second), rebuild=rebuild)


def run_dynamodb(
    args: argparse.Namespace, work: Path, database: Path, *, s3: Any, clock: FixedClock,
    changed: tuple[str, str], rebuild: Measure,
) -> None:  # fmt: skip
    """The same on a DynamoDB copy of the store, publishing to the same bucket (its build state is there)."""
    first, second = changed
    pages, table_bytes = scan_pages(database)
    client = boto3.client("dynamodb", region_name="eu-west-3")
    backend = DynamoDbBackend(TABLE, client)
    backend.create_schema()
    whole = args.companies <= args.copy_all_below
    started = time.perf_counter()
    copied = copy_to_dynamodb(database, client, None if whole else {first, second})
    say(f"  {copied} items copied into DynamoDB (moto) in {time.perf_counter() - started:.0f} s")
    meter = Meter()
    meter.watch_dynamodb(client)
    bench = Bench(work / "dynamodb", Store(backend, clock), meter, s3, clock)
    if whole:
        say("DynamoDB: full rebuild (ardoise publish --full)...")
        scanned = full_rebuild(bench)
        say(f"  Scan pages computed from the items' sizes: {pages} (moto read {scanned.scan_pages})")
    say("DynamoDB: one change (the build state from the bucket), then a quiet day...")
    change = one_change(bench, second, "F-bench-2")[1]
    quiet = quiet_day(bench)

    lines = change_lines(change, quiet)
    if whole:
        lines.append(f"FULL REBUILD: {scanned.requests} store requests, {scanned.seconds:.1f} s")
    else:
        lines.append(
            f"FULL REBUILD: {pages + 1} store requests ({pages} Scan pages of {table_bytes / 1e6:.0f} MB of items "
            f"in {SEGMENTS} segments, computed: moto's Scan reads its whole table for each page)"
        )
    lines += change_lines(change, quiet, aws=True)
    # The rebuild on AWS: its Scan pages at 5 ms shared among the segments, building and uploading as measured.
    others = rebuild.seconds - rebuild.read_seconds
    aws_rebuild = others + AWS_REQUEST + pages * AWS_REQUEST / SEGMENTS
    lines.append(f"ON AWS, 5 ms A STORE REQUEST: FULL REBUILD: {pages + 1} store requests, {aws_rebuild:.1f} s")
    print("ON DYNAMODB (moto):\n" + "\n".join(lines), flush=True)


def full_rebuild(bench: Bench) -> Measure:
    res = bench.fresh_lambda()
    target = bench.target()
    bench.meter.reset()
    started = time.perf_counter()
    publication = publish_full(res, target, echo=lambda message: None)
    requests = list(bench.meter.requests)
    return Measure(
        len(requests), requests.count("Scan"), len(target.uploaded), time.perf_counter() - started,
        bench.meter.seconds, publication.steps.get("read", 0.0),
    )  # fmt: skip


@contextmanager
def site_bucket(kind: str) -> Iterator[Any]:
    """moto's AWS; the S3 client of the site bucket, or None to publish to a folder."""
    with mock_aws():
        if kind == "folder":
            yield None
            return
        s3 = boto3.client("s3", region_name="eu-west-3")
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        yield s3


if __name__ == "__main__":
    main()
