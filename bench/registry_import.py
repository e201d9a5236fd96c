"""Benchmark of ``ardoise registry import-sirene``: lines per second and peak memory.

    .venv/bin/python bench/registry_import.py [--lines 1000000] [--dynamodb-lines 100000]

Writes a synthetic StockUniteLegale file in INSEE's column layout (the real
header, 34 columns; names, categories, states, [ND] and quoted names mixed as
in the real file), then imports it in a fresh interpreter:

1. into SQLite (``--lines``, default 1,000,000), then imports it a second time
   with ``--again`` (nothing changes: the idempotent path);
2. into DynamoDB under moto, in process (``--dynamodb-lines``, default 100,000).

Each run prints lines/s (wall clock, and per CPU second of the child: the
machine may be shared) and its peak resident memory (ru_maxrss of the child).
Goal on 2 cores: at least 20,000 lines/s on SQLite, under 200 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.core.identifiers import with_check_digit  # noqa: E402
from tests.registry.samples.generate import UNIT_HEADER, unit  # noqa: E402 - the checkout's root is put on the path first

TRADES = ("MENUISERIE", "TRANSPORTS", "BOULANGERIE", "PLOMBERIE", "GARAGE", "CONSEIL", 'SOCIETE "LE PORT", SUD')
NAMES = ("MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU")


def write_units(path: Path, lines: int) -> None:
    rng = random.Random(7)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, UNIT_HEADER, lineterminator="\n")
        writer.writeheader()
        for n in range(lines):
            siren = with_check_digit(f"{10_000_000 + n:08d}")
            roll = rng.random()
            if roll < 0.25:
                row = unit(siren, categorieJuridiqueUniteLegale="1000", prenom1UniteLegale="JEAN",
                           prenomUsuelUniteLegale="JEAN", nomUniteLegale=rng.choice(NAMES))  # fmt: skip
            elif roll < 0.27:
                row = unit(siren, statutDiffusionUniteLegale="P", categorieJuridiqueUniteLegale="1000",
                           prenom1UniteLegale="[ND]", nomUniteLegale="[ND]", prenomUsuelUniteLegale="[ND]")  # fmt: skip
            else:
                row = unit(siren, denominationUniteLegale=f"{rng.choice(TRADES)} {rng.choice(NAMES)} {n}",
                           categorieJuridiqueUniteLegale=rng.choice(("5499", "5710", "5720")),
                           etatAdministratifUniteLegale="C" if roll > 0.9 else "A")  # fmt: skip
            writer.writerow(row)


CHILD = """
import json, resource, sys, time
from datetime import UTC, datetime
from pathlib import Path
from functions.core.clock import FixedClock
from functions.core.resources import Resources
from functions.core.store import Store
from functions.core.usecases.registry_import import LocalFile, import_file

kind, file, target, again = sys.argv[1], Path(sys.argv[2]), sys.argv[3], sys.argv[4] == "again"
clock = FixedClock(datetime(2026, 12, 1, tzinfo=UTC))
if kind == "sqlite":
    from functions.core.store.sqlite import SqliteBackend
    backend = SqliteBackend(target)
    run = lambda: import_file(Resources(store=Store(backend, clock), clock=clock), LocalFile(file), again=again)
    start = time.perf_counter(); result = run(); seconds = time.perf_counter() - start
else:
    import os
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-3")
    import boto3
    from moto import mock_aws
    from functions.core.store.dynamodb import DynamoDbBackend
    with mock_aws():
        backend = DynamoDbBackend("bench", client=boto3.client("dynamodb", region_name="eu-west-3"))
        backend.create_schema()
        start = time.perf_counter()
        result = import_file(Resources(store=Store(backend, clock), clock=clock), LocalFile(file))
        seconds = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"records": result.records, "written": result.written, "seconds": seconds,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}))
"""


def child(kind: str, file: Path, target: str, *, again: bool = False) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(file), target, "again" if again else "once"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]  # json.loads is Any


def report(label: str, figures: dict[str, float]) -> None:
    rate = figures["records"] / figures["seconds"]
    print(
        f"{label:<34} {int(figures['records']):>9,} lines  {figures['seconds']:7.1f} s  {rate:9,.0f} lines/s"
        f"  ({figures['records'] / figures['cpu_seconds']:9,.0f} per CPU second)"
        f"  written {int(figures['written']):>9,}  peak {figures['peak_mb']:6.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--dynamodb-lines", type=int, default=100_000)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  load average {os.getloadavg()[0]:.1f}  python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        big = work / "StockUniteLegale_bench.csv"
        start = time.perf_counter()
        write_units(big, args.lines)
        print(f"wrote {args.lines:,} lines ({big.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - start:.1f} s")
        database = str(work / "bench.db")
        report("SQLite, first import", child("sqlite", big, database))
        report("SQLite, same file again (--again)", child("sqlite", big, database, again=True))
        if args.dynamodb_lines:
            small = work / "StockUniteLegale_bench_small.csv"
            write_units(small, args.dynamodb_lines)
            report("DynamoDB (moto, in process)", child("dynamodb", small, ""))
    print(f"bench process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
