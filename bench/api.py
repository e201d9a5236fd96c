"""Benchmark of the API functions: cold imports, in-process latency, HTTP throughput.

    .venv/bin/python bench/api.py [--companies 100000] [--requests 5000] [--seconds 10]

Prints, on this machine:
1. the cold import time of each function's module (``functions.<name>.app``, the
   publisher's too), each in a fresh interpreter: CPU and wall time, best and
   median of ``--cold-runs`` (9; ``--cold-only`` measures this part alone),
   reading the checkout's ``.pyc`` (``--no-bytecode``: none, as a Lambda
   archive without them); ``--archive build/directory.zip`` measures instead
   the stage a Zappa archive holds, unpacked and imported through Zappa's
   handler as Lambda does, with the bytecode ``scripts/compile_archive.py``
   added (``--no-bytecode``: without it);
2. p50/p99 latency of ``GET /solvency/{siren}`` (reports) and
   ``GET /companies/{siren}`` (directory) through the Flask test client, on
   SQLite holding ``--companies`` companies (2 % of them listed with published
   reports and a summary computed by the real refresher, the others with their
   identity and an empty summary), random SIRENs (for the directory, random
   listed ones: the others are not public and answer 404);
3. requests per second through ``ardoise serve`` on 127.0.0.1 (random port),
   with 8 concurrent keep-alive clients (2 processes x 4 threads), same data;
4. ``GET /companies/{siren}`` requests per second in process for a debtor with
   one public report and 1, then 200, reports held against it (the others
   settled, rejected, withdrawn, unlisted or in their grace period): what the
   public may read must cost the same whatever else is held (``--held-only``
   runs this part alone, in a few seconds).

Targets (2 cores): cold import <= 0.30 s CPU per function (best of 9), p50 <= 2 ms, >= 1,000 req/s.
The data is generated in transactions of 100 writes, the store's limit (seconds for 100,000).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import zipfile
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from functions.core.clock import FixedClock  # noqa: E402 - the path above must be set first
from functions.core.config import load_settings  # noqa: E402
from functions.core.domain.companies import Company  # noqa: E402
from functions.core.domain.reports import AmicableSteps, Invoice, NoticeChannel, Party, Report, ReportStatus  # noqa: E402
from functions.core.domain.summaries import build_summary  # noqa: E402
from functions.core.domain.visibility import Presence  # noqa: E402
from functions.core.identifiers import with_check_digit  # noqa: E402
from functions.core.resources import Resources  # noqa: E402
from functions.core.store import Store  # noqa: E402
from functions.core.store.companies import profile_data  # noqa: E402
from functions.core.store.items import MAX_TRANSACTION_WRITES, Item, Put  # noqa: E402
from functions.core.store.sqlite import SqliteBackend  # noqa: E402
from functions.core.usecases.reports.solvency import refresh_summary  # noqa: E402
from functions.core.usecases.reports.subscribers import create_subscriber  # noqa: E402

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
# The API functions, and the publisher: a stage without routes whose app Zappa imports at each cold start too.
FUNCTIONS = ("directory", "charter", "reports", "einvoice", "publisher")
PLANS = "bench:1000000000"
_WORDS = (
    "Boulangerie",
    "Transports",
    "Menuiserie",
    "Garage",
    "Atelier",
    "Société",
    "Cabinet",
    "Imprimerie",
    "Pharmacie",
)
_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon")
_FORMS = ("SARL", "SAS", "SA", "EURL", "SNC")


def bench_env(db: Path, tmp: Path) -> dict[str, str]:
    return {
        **os.environ,
        "ARDOISE_ENV": "local",
        "ARDOISE_STORE": f"sqlite:///{db}",
        "ARDOISE_MAILER": f"outbox:{tmp}/outbox",
        "ARDOISE_SITE_DIR": str(tmp / "site"),
        "ARDOISE_SECRET_KEY": "bench-secret-key-not-for-production",
        "ARDOISE_LOG_LEVEL": "WARNING",
        "ARDOISE_PLANS": PLANS,
    }


# -- 1. cold imports -----------------------------------------------------------
COLD_RUNS = 9
_TIMED = (
    "import os, time; c, t = os.times(), time.perf_counter(); {imports}; d = os.times(); "
    "print(d.user + d.system - c.user - c.system, time.perf_counter() - t)"
)
# What Lambda imports at a cold start, from the archive's root: Zappa's handler and its settings first
# (untimed: Zappa's, with boto3 from what stands for Lambda's runtime, this interpreter's site-packages
# at the end of the path), then the app module, timed.
_HANDLER = (
    "import importlib, sys; sys.path.insert(0, {root!r}); sys.path.append({runtime!r}); "
    "import handler, zappa_settings; "
)
_APP = "importlib.import_module(zappa_settings.APP_MODULE)"


def _unpack(archive: Path, into: Path, *, bytecode: bool) -> str:
    """Unpack a Zappa archive (without its ``__pycache__`` entries unless ``bytecode``); return its stage's name."""
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(into, [n for n in bundle.namelist() if bytecode or "/__pycache__/" not in f"/{n}"])
        settings = bundle.read("zappa_settings.py").decode()
    module = next(line for line in settings.splitlines() if line.startswith("APP_MODULE"))
    return module.split("=", 1)[1].strip().strip("'\"").split(".")[1]  # functions.<name>.app


def cold_imports(
    env: dict[str, str], runs: int = COLD_RUNS, *, bytecode: bool = True, archive: Path | None = None
) -> dict[str, dict[str, float]]:
    """Best and median time to import each function's app module, each in a fresh interpreter.

    Both the CPU time of the import (user + system, of the importing process)
    and its wall time are kept. The best of ``runs`` is the figure to compare
    with the target on a busy machine: other processes only ever add to it,
    to the wall time most.

    From the checkout, with ``bytecode`` the modules' ``.pyc`` are written by
    an uncounted first import and read by the timed ones; without, none is
    read or written, the standard library's included (a bound above a Lambda
    archive without them: the runtime has the standard library's). With an
    ``archive`` (a Zappa zip), its one stage's app is imported as Lambda does,
    after Zappa's handler (not timed: Zappa's own, with boto3), from the
    unpacked archive (``-S``: no site-packages but the archive's, and this
    one's last for boto3, as Lambda's runtime has it), with its ``__pycache__``
    entries or, without ``bytecode``, with none (as ``zappa package`` leaves it).
    """
    scratch = Path(tempfile.mkdtemp(prefix="ardoise-cold-"))
    env = {k: v for k, v in env.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    flags: list[str] = []
    if archive is not None:
        root = scratch / "archive"
        names, cwd = [_unpack(archive, root, bytecode=bytecode)], root
        flags, env["PYTHONDONTWRITEBYTECODE"] = ["-S"], "1"  # the archive is read-only on Lambda
        before, imports = _HANDLER.format(root=str(root), runtime=sysconfig.get_paths()["purelib"]), _APP
    else:
        names, cwd, before, imports = list(FUNCTIONS), ROOT, "", "import functions.{name}.app"
        if not bytecode:
            env |= {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(scratch / "no-pycache")}
    results = {}
    for name in names:
        command = [sys.executable, *flags, "-c", before + _TIMED.format(imports=imports.format(name=name))]
        if bytecode and archive is None:  # writes the checkout's .pyc, if missing
            subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=True)
        runs_cpu, runs_wall = [], []
        for _ in range(runs):
            out = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=True).stdout.split()
            runs_cpu.append(float(out[-2]))
            runs_wall.append(float(out[-1]))
        results[name] = {
            "runs": runs,
            "cpu_best": round(min(runs_cpu), 3),
            "cpu_median": round(statistics.median(runs_cpu), 3),
            "wall_best": round(min(runs_wall), 3),
            "wall_median": round(statistics.median(runs_wall), 3),
        }
    shutil.rmtree(scratch, ignore_errors=True)
    return results


def print_cold_imports(results: dict[str, dict[str, float]], label: str = "") -> None:
    """One line per function: its best CPU and wall times of N fresh imports, and their medians."""
    for name, figures in results.items():
        print(
            f"cold import {name:<10} best of {int(figures['runs'])}: cpu {figures['cpu_best']:.3f} s, wall "
            f"{figures['wall_best']:.3f} s (medians {figures['cpu_median']:.3f} s, {figures['wall_median']:.3f} s)"
            f"{label}",
            flush=True,
        )


# -- data ------------------------------------------------------------------------
def make_sirens(count: int) -> list[str]:
    rng = random.Random(2026)
    firsts = rng.sample(range(10_000_000, 99_999_999), count)
    return [with_check_digit(f"{n:08d}") for n in firsts]


def make_company(siren: str, rng: random.Random) -> Company:
    name = f"{rng.choice(_WORDS)} {rng.choice(_NAMES)} {rng.choice(_FORMS)}"
    return Company(siren, name, f"{rng.randint(1, 120)} rue de la République", f"{rng.randint(1, 95):02d}000", "Lyon")


def make_report(n: int, debtor: Company, rng: random.Random) -> Report:
    due = date(2026, 1, 1) + timedelta(days=rng.randint(0, 280))
    amount = rng.randint(200, 30_000) * 100
    return Report(
        id=f"rpt_bench_{n:07d}",
        creditor=Party(siren="732829320", name="Menuiserie Durand SARL", email="compta@durand.fr"),
        debtor=Party(siren=debtor.siren, name=debtor.name, email="compta@exemple.fr"),
        invoice=Invoice(number=f"F-{n}", issue_date=due - timedelta(days=30), due_date=due, amount_cents=amount),
        outstanding_cents=amount,
        steps=AmicableSteps((due + timedelta(days=10),), due + timedelta(days=20), NoticeChannel.REGISTERED_LETTER),
        status=ReportStatus.PUBLISHED,
        created_at=datetime.combine(due + timedelta(days=25), datetime.min.time(), UTC),
        published_at=datetime.combine(due + timedelta(days=45), datetime.min.time(), UTC),
    )


def generate(store: Store, res: Resources, count: int, listed_share: float = 0.02) -> tuple[list[str], list[str]]:
    """Fill the store: identities and summaries in full transactions, listed companies the real way.

    Return every SIREN, and the listed ones.
    """
    rng = random.Random(7)
    sirens = make_sirens(count)
    companies = [make_company(siren, rng) for siren in sirens]
    empty = build_summary(
        siren="000000000", identity=None, reports=[], experiences=[], charter=None, today=NOW.date(), now=NOW
    )
    listed = set(rng.sample(range(count), int(count * listed_share)))
    batch: list[Put] = []
    for n, company in enumerate(companies):
        # A registry identity: not public (no index keys) until a report is listed.
        profile = Item(f"COMPANY#{company.siren}", "PROFILE", profile_data(company, Presence()))
        writes = [Put(profile, unconditional=True)]
        if n not in listed:
            summary = {**empty, "siren": company.siren, "company": {**asdict(company)}}
            writes.append(Put(Item(f"COMPANY#{company.siren}", "SUMMARY", summary), unconditional=True))
        if len(batch) + len(writes) > MAX_TRANSACTION_WRITES:
            store.backend.transact(batch)
            batch = []
        batch.extend(writes)
    if batch:
        store.backend.transact(batch)
    for number, n in enumerate(sorted(listed)):
        for k in range(rng.randint(1, 3)):
            store.reports.file_report(make_report(number * 3 + k, companies[n], rng), actor="system:bench")
        refresh_summary(res, companies[n].siren)
    return sirens, [companies[n].siren for n in sorted(listed)]


# -- 2. in-process latency -----------------------------------------------------------
def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50_ms": round(ordered[len(ordered) // 2] * 1000, 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99)] * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def in_process(res: Resources, sirens: list[str], listed: list[str], key: str, requests: int) -> dict[str, Any]:
    from functions.directory.app import create_app as directory_app
    from functions.reports.app import create_app as reports_app

    shared = {"settings": res.settings, "store": res.store, "mailer": res.mailer, "clock": res.clock}
    clients = {"reports": reports_app(**shared).test_client(), "directory": directory_app(**shared).test_client()}
    paths = {"reports": "/solvency/{}", "directory": "/companies/{}"}
    picked = {"reports": sirens, "directory": listed}
    rng = random.Random(11)
    results = {}
    for name, client in clients.items():
        samples = []
        for n in range(requests + 500):
            siren = rng.choice(picked[name])
            started = time.perf_counter()
            response = client.get(paths[name].format(siren), headers={"X-API-Key": key})
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                results[name] = {"error": f"HTTP {response.status_code}: {response.get_data(as_text=True)[:120]}"}
                break
            if n >= 500:  # the first ones warm the caches up
                samples.append(elapsed)
        else:
            results[name] = percentiles(samples)
    return results


# -- 4. held reports ------------------------------------------------------------------
HELD_STATUSES = (
    ReportStatus.SETTLED,
    ReportStatus.REJECTED,
    ReportStatus.WITHDRAWN,
    ReportStatus.UNLISTED,
    ReportStatus.NOTIFIED,
)


def held_reports(res: Resources, held: int, requests: int) -> dict[str, Any]:
    """Requests per second of ``GET /companies/{siren}`` for a debtor with one public report out of ``held``."""
    from functions.directory.app import create_app as directory_app

    rng = random.Random(held)
    debtor = make_company(with_check_digit(f"{10_000_000 + held:08d}"), rng)
    res.store.companies.record_company(debtor, "system:bench")
    for n in range(held):
        report = make_report(held * 1000 + n, debtor, rng)
        if n:  # the first one stays published: the only public one
            status = HELD_STATUSES[n % len(HELD_STATUSES)]
            report = replace(
                report, status=status, published_at=None if status is ReportStatus.NOTIFIED else report.published_at
            )
        res.store.reports.file_report(report, actor="system:bench")
    shared = {"settings": res.settings, "store": res.store, "mailer": res.mailer, "clock": res.clock}
    client = directory_app(**shared).test_client()
    path = f"/companies/{debtor.siren}"
    for _ in range(100):  # warm-up
        assert client.get(path).status_code == 200
    started = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    elapsed = time.perf_counter() - started
    return {
        "held_reports": held,
        "public_reports": len(client.get(path).json["reports"]),
        "req_per_s": round(requests / elapsed),
    }


# -- 3. HTTP throughput -------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _client_process(job: tuple[int, list[str], str, float, int], queue: Any) -> None:
    port, paths, key, seconds, threads = job
    counts = [0] * threads
    errors = [0] * threads
    deadline = time.perf_counter() + seconds

    def run(slot: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        rng = random.Random(slot)
        while time.perf_counter() < deadline:
            conn.request("GET", rng.choice(paths), headers={"X-API-Key": key})
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[slot] += 1
            else:
                errors[slot] += 1
        conn.close()

    workers = [threading.Thread(target=run, args=(slot,)) for slot in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put((sum(counts), sum(errors)))


def throughput(
    port: int, paths: list[str], key: str, seconds: float, *, processes: int = 2, threads: int = 4
) -> dict[str, float]:
    queue: Any = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=_client_process, args=((port, paths, key, seconds, threads), queue))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    totals = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    ok = sum(t[0] for t in totals)
    return {
        "requests": ok,
        "errors": sum(t[1] for t in totals),
        "seconds": round(elapsed, 2),
        "req_per_s": round(ok / elapsed),
    }


def over_http(
    env: dict[str, str], sirens: list[str], listed: list[str], key: str, seconds: float, *, extra_args: list[str]
) -> dict[str, Any]:
    port = free_port()
    script = Path(sys.executable).with_name("ardoise")
    # The console script when installed, else the same entry point through the interpreter.
    entry = [str(script)] if script.exists() else [sys.executable, "-c", "from functions.cli import main; main()"]
    command = [*entry, "serve", "--host", "127.0.0.1", "--port", str(port), *extra_args]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 180
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/reports/health")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit(
                    f"ardoise serve did not start: {server.stderr.read().decode()[-2000:] if server.stderr else ''}"
                )
            time.sleep(0.2)
        rng = random.Random(3)
        solvency = [f"/api/reports/solvency/{rng.choice(sirens)}" for _ in range(2000)]
        companies = [f"/api/directory/companies/{rng.choice(listed)}" for _ in range(2000)]
        throughput(port, solvency, key, 2)  # warm-up
        return {
            "server": " ".join(["ardoise serve", *extra_args]) or "ardoise serve",
            "GET /solvency": throughput(port, solvency, key, seconds),
            "GET /companies": throughput(port, companies, key, seconds),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--serve-args", default="", help="Extra arguments for ardoise serve (e.g. '--workers 3').")
    parser.add_argument("--held-only", action="store_true", help="Only measure GET /companies against held reports.")
    parser.add_argument("--cold-only", action="store_true", help="Only measure the functions' cold imports.")
    parser.add_argument("--cold-runs", type=int, default=COLD_RUNS, help="Fresh imports of each function (best of N).")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="Cold imports reading no .pyc (an archive's without its own)."
    )
    parser.add_argument(
        "--archive", type=Path, help="Cold import of the stage a Zappa zip holds, unpacked, through Zappa's handler."
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ardoise-bench-"))
    db = tmp / "bench.db"
    env = bench_env(db, tmp)
    cold = {"bytecode": not args.no_bytecode, "archive": args.archive}
    label = f" [{args.archive.name if args.archive else 'checkout'}, {'no ' if args.no_bytecode else ''}.pyc]"
    if args.cold_only or args.archive:
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)
        print_cold_imports(cold_imports(env, args.cold_runs, **cold), label)
        return
    report: dict[str, Any] = {"cores": os.cpu_count(), "companies": args.companies}

    settings = load_settings({k: v for k, v in env.items() if k.startswith("ARDOISE_")})
    clock = FixedClock(NOW)
    store = Store(SqliteBackend(db), clock)
    store.backend.create_schema()
    res = Resources(settings, store=store, clock=clock)
    report["held_reports"] = [held_reports(res, held, min(args.requests, 2000)) for held in (1, 200)]
    print(json.dumps({"held_reports": report["held_reports"]}), flush=True)
    if args.held_only:
        return

    report["cold_import_s"] = cold_imports(env, args.cold_runs, **cold)
    print_cold_imports(report["cold_import_s"], label)
    started = time.perf_counter()
    sirens, listed = generate(store, res, args.companies)
    report["generate_s"] = round(time.perf_counter() - started, 1)
    _, key = create_subscriber(res, name="Banc d'essai", email="bench@exemple.fr", plan="bench", actor="bench")
    print(json.dumps({"generate_s": report["generate_s"]}), flush=True)

    report["in_process"] = in_process(res, sirens, listed, key, args.requests)
    print(json.dumps({"in_process": report["in_process"]}), flush=True)

    report["http"] = over_http(env, sirens, listed, key, args.seconds, extra_args=args.serve_args.split())
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
