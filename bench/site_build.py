# ruff: noqa: SIM905 - the word lists read better as one string each
"""Benchmark of the public site's build, incremental build and search index.

    .venv/bin/python bench/site_build.py [--companies 100000] [--signatories 10000] [--mkdocs-sample 2000]

Generates its own data (deterministic): ``--companies`` listed companies with 1 to
3 published unpaid invoices each (a third with the debtor's reply), and
``--signatories`` charter signatories (5 % of them also listed, hence suspended),
with realistic French names (many shared words, legal forms, duplicates).
Then, in a temporary folder:

1. a full build (MkDocs for the hand-written pages + our generator for the rest):
   wall time, CPU time (user and system, the workers' included: what a loaded machine
   does not blur), then peak memory (proportional set size of the process and its
   workers, sampled every 250 ms and summed) in a second identical build in a fresh
   folder, since sampling takes CPU from the build it measures; for context, after the builds, the time
   this disk takes to create one folder holding one 11 KB file (what a company page
   would cost as a file of its own);
2. one company changes (a payment lowers its outstanding amount, it replies):
   incremental build time and the files rewritten;
3. the search index: files, total size, and the bytes one look-up downloads
   (worst path of the tree, and the median / p99 / max over sampled queries:
   SIREN prefixes and name prefixes of random companies);
4. the baseline: ``mkdocs build`` (Material) on ``--mkdocs-sample`` company pages
   as Markdown, extrapolated linearly to the same number of pages (said so).

Targets (2 cores, 100,000 + 10,000): full build <= 20 s and <= 1 GB;
incremental <= 3 s rewriting only changed files; a look-up <= 30 KB.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import re
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ARDOISE_SECRET_KEY", "bench-only")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from functions.core.domain.charter import company_page_path  # noqa: E402
from functions.core.identifiers import with_check_digit  # noqa: E402
from functions.core.usecases.site_snapshot import (  # noqa: E402
    CharterStanding,
    CompanyRecord,
    ListedReport,
    SiteSnapshot,
)

AS_OF = date(2026, 11, 23)
ACTIVITIES = (
    "Boulangerie Pâtisserie Transports Garage Menuiserie Plomberie Électricité Maçonnerie Boucherie "
    "Pharmacie Imprimerie Librairie Restaurant Café Hôtel Cabinet Atelier Société Entreprise Groupe "
    "Distribution Services Conseil Informatique Nettoyage Couverture Peinture Carrosserie Fromagerie "
    "Charcuterie Traiteur Agence Studio Laboratoire Ambulances Taxis Déménagements Paysages Chauffage "
    "Serrurerie Vitrerie Optique Coiffure Logistique"
).split()
LAST_NAMES = (
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel Lefèvre Leroy "
    "Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent Muller "
    "Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier Garcia "
    "Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont "
    "Marie Lemaire Noël Meyer Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard "
    "Barbier Arnaud Martínez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet "
    "Rolland Leclercq Guillaume Lecomte López Jean Dupuy Guillot Hubert Berger Carpentier Sánchez Dupuis "
    "Moulin Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly Hervé "
    "Schneider Fernández Le Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel Le Roux Cousin"
).split()
PLACES = (
    "du Centre|de la Gare|des Alpes|de Bretagne|du Port|de Provence|du Marché|des Halles|de l'Ouest|du Lac"
).split("|")
LEGAL = ("SARL SAS SA EURL SASU SCI SNC").split()
CITIES = (
    "Paris Lyon Marseille Toulouse Nice Nantes Montpellier Strasbourg Bordeaux Lille Rennes Reims Toulon "
    "Saint-Étienne Le Havre Grenoble Dijon Angers Nîmes Villeurbanne Clermont-Ferrand Aix-en-Provence "
    "Brest Tours Amiens Limoges Annecy Perpignan Metz Besançon Orléans Rouen Mulhouse Caen Nancy "
    "Argenteuil Roubaix"
).split()
REPLIES = (
    "Nous contestons cette facture : la livraison du 12 était incomplète et le bon de livraison n'a pas été signé.",
    "Un échéancier a été proposé au créancier le mois dernier ; nous attendons sa réponse.",
    "Facture réglée par virement ; le créancier n'a pas encore enregistré le paiement.",
    "Litige en cours sur la qualité des prestations. <script>alert('xss')</script> **pas de Markdown**",
)


NAME_PATTERNS = (
    "{activity} {last}",
    "{activity} {last} et Fils",
    "{last} {legal}",
    "{activity} {place}",
    "{last} & {other}",
    "{legal} {activity} {last}",
    "{activity} {last} {other} {legal}",
    "{last}-{other} {activity}",
)


def company_name(rng: random.Random) -> str:
    """A plausible name; many share words, legal forms and activities, some are the same."""
    return rng.choice(NAME_PATTERNS).format(
        activity=rng.choice(ACTIVITIES), last=rng.choice(LAST_NAMES), other=rng.choice(LAST_NAMES),
        legal=rng.choice(LEGAL), place=rng.choice(PLACES),
    )  # fmt: skip


def reports(rng: random.Random) -> tuple[ListedReport, ...]:
    found = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        issue = AS_OF - timedelta(days=rng.randrange(60, 900))
        due = issue + timedelta(days=rng.choice((30, 45, 60)))
        amount = rng.randrange(10_000, 5_000_000)
        found.append(
            ListedReport(
                issue_date=issue,
                due_date=due,
                amount_cents=amount,
                outstanding_cents=amount - rng.randrange(0, amount // 2),
                published_on=due + timedelta(days=rng.randrange(25, 60)),
                reply=rng.choice(REPLIES) if rng.random() < 0.33 else "",
            )
        )
    return tuple(sorted(found, key=lambda r: r.due_date))


def record(
    siren: str, name: str, city: str, lines: tuple[ListedReport, ...], charter: CharterStanding | None
) -> CompanyRecord:
    oldest = min((line.due_date for line in lines), default=None)
    return CompanyRecord(
        siren=siren,
        name=name,
        city=city,
        postal_code=f"{random.Random(siren).randrange(1000, 96000):05d}",
        path=company_page_path(siren, name),
        reports=lines,
        outstanding_cents=sum(line.outstanding_cents for line in lines),
        oldest_due=oldest,
        charter=charter,
    )


def generate(companies: int, signatories: int, seed: int = 2026) -> SiteSnapshot:
    """Listed companies, then signatories (5 % of them listed and suspended), by SIREN."""
    rng = random.Random(seed)
    sirens: set[str] = set()
    while len(sirens) < companies + signatories:
        sirens.add(with_check_digit(f"{rng.randrange(10_000_000, 99_999_999):08d}"))
    ordered = sorted(sirens)
    rng.shuffle(ordered)
    listed_sirens, signatory_sirens = ordered[:companies], ordered[companies:]
    overlap = set(rng.sample(listed_sirens, signatories // 20))
    records = []
    for siren in listed_sirens:
        charter = None
        if siren in overlap:
            signed = AS_OF - timedelta(days=rng.randrange(100, 400))
            charter = CharterStanding(
                "suspended",
                "2026-09",
                signed,
                signed + timedelta(days=30),
                "Au moins un signalement d'impayé est publié dans l'annuaire Ardoise.",
            )
        records.append(record(siren, company_name(rng), rng.choice(CITIES), reports(rng), charter))
    for siren in signatory_sirens[: signatories - len(overlap)]:
        signed = AS_OF - timedelta(days=rng.randrange(10, 500))
        status = rng.choices(("active", "outdated", "withdrawn"), (90, 7, 3))[0]
        version = "2025-06" if status == "outdated" else "2026-09"
        records.append(
            record(siren, company_name(rng), rng.choice(CITIES), (), CharterStanding(status, version, signed, signed))
        )
    return SiteSnapshot(as_of=AS_OF, charter_version="2026-09", companies=tuple(sorted(records, key=lambda r: r.siren)))


class MemorySampler:
    """Peak memory of this process and its children: the sum of their PSS, sampled.

    Reading a process's PSS makes the kernel walk its page tables: 40 ms for a 600 MB
    process. Sampled every 20 ms, three such processes kept one of the 2 cores busy
    (what the figures before December 2026 paid); every 250 ms, it still takes about half
    a core from the build: the timed build runs without it, and a second identical build
    in a fresh folder is sampled for its peak memory.
    """

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _rss(pid: int) -> int:
        """Proportional set size: pages shared by forked workers count once in the sum, not once per process."""
        try:
            with open(f"/proc/{pid}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        return int(line.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError):
            return 0
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as handle:
                    found += [int(child) for child in handle.read().split()]
        except FileNotFoundError:
            pass
        return found

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            pids, total = [me], 0
            while pids:
                pid = pids.pop()
                total += self._rss(pid)
                pids += self._children(pid)
            self.peak = max(self.peak, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def lookup_figures(
    snapshot: SiteSnapshot, files: dict[str, bytes], samples: int, seed: int = 7
) -> tuple[list[int], int, int]:
    """Bytes downloaded by look-ups of random companies; full queries that missed, or fell in an 'N others'."""
    from functions.core.text import fold
    from functions.site.search_index import lookup

    rng = random.Random(seed)
    costs, missed, truncated = [], 0, 0
    for company in rng.sample(snapshot.companies, min(samples, len(snapshot.companies))):
        folded = fold(company.name)
        words = re.finditer(r"[0-9a-z]{2,}", folded)
        start = rng.choice([m.start() for m in words if m.start() == 0 or folded[m.start() - 1] == " "])
        for query in (company.siren[:3], company.siren[:5], *(folded[start : start + n] for n in (2, 3, 5))):
            costs.append(lookup(files, query).bytes)
        for query in (company.siren, folded):  # the whole SIREN, the whole name
            found = lookup(files, query)
            costs.append(found.bytes)
            if company.siren not in found.sirens:
                truncated += found.more > 0
                missed += found.more == 0
    return costs, missed, truncated


def mkdocs_baseline(snapshot: SiteSnapshot, sample: int, work: Path) -> float:
    """Time `mkdocs build` on `sample` company pages as Markdown (plus the hand-written pages)."""
    import subprocess

    docs = work / "docs"
    shutil.copytree(ROOT / "site", docs)
    for company in snapshot.companies[:sample]:
        page = docs / company.path.strip("/") / "index.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        lines = [f"# {company.name}", "", f"SIREN {company.siren} · {company.city}", ""]
        lines += ["| Facture du | Échéance | Montant | Reste dû | Retard |", "|---|---|---|---|---|"]
        for r in company.reports:
            amounts = f"{r.amount_cents / 100:.2f} € | {r.outstanding_cents / 100:.2f} €"
            lines.append(f"| {r.issue_date} | {r.due_date} | {amounts} | {(AS_OF - r.due_date).days} j |")
        lines += [f"\n> {r.reply}" for r in company.reports if r.reply]
        page.write_text("\n".join(lines) + "\n")
    config = (ROOT / "mkdocs.yml").read_text().replace("docs_dir: site", f"docs_dir: {docs}")
    config = config.replace("  - functions/site/hooks.py", f"  - {ROOT / 'functions/site/hooks.py'}")
    config = config.replace("custom_dir: functions/site/theme", f"custom_dir: {ROOT / 'functions/site/theme'}")
    (work / "mkdocs.yml").write_text(config.replace("strict: true", "strict: false"))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(work / "mkdocs.yml"), "-d", str(work / "out")],
        check=True,
        cwd=ROOT,
    )
    return time.perf_counter() - started


def disk_calibration(work: Path, count: int = 3_000) -> float:
    """Microseconds to create a folder and an 11 KB file in it, on this disk, now."""
    root = work / "calibration"
    root.mkdir(parents=True)
    data = b"x" * 11_000
    started = time.perf_counter()
    for i in range(count):
        folder = root / f"{i:09d}-entreprise"
        folder.mkdir()
        (folder / "index.html").write_bytes(data)
    elapsed = time.perf_counter() - started
    shutil.rmtree(root)
    return elapsed / count * 1e6


def one_company_changes(snapshot: SiteSnapshot) -> SiteSnapshot:
    """A company with two published invoices receives a payment on the first and replies."""
    target = next(c for c in snapshot.companies if len(c.reports) == 2)
    first = target.reports[0]
    paid = replace(first, outstanding_cents=first.outstanding_cents // 2, reply="Un acompte a été versé.")
    outstanding = target.outstanding_cents - first.outstanding_cents + paid.outstanding_cents
    changed = replace(target, reports=(paid, target.reports[1]), outstanding_cents=outstanding)
    return replace(snapshot, companies=tuple(changed if c.siren == target.siren else c for c in snapshot.companies))


def cpu_seconds() -> tuple[float, float]:
    """User and system CPU time of this process and of its finished children (the build's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + children.ru_utime, own.ru_stime + children.ru_stime


def say(*parts: str) -> None:
    print("".join(parts), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--signatories", type=int, default=10_000)
    parser.add_argument("--mkdocs-sample", type=int, default=2_000, help="company pages built by MkDocs (0: skip)")
    parser.add_argument("--lookups", type=int, default=2_000, help="companies whose name and SIREN are looked up")
    parser.add_argument("--keep", type=Path, help="build into this folder and keep it")
    args = parser.parse_args()

    from functions.site.builder import SiteBuilder
    from functions.site.handwritten import HandwrittenInputs, openapi_documents
    from functions.site.search_index import build_search_index

    say(f"cores: {os.cpu_count()}; {args.companies:,} listed companies, {args.signatories:,} signatories")
    started = time.perf_counter()
    snapshot = generate(args.companies, args.signatories)
    say(f"data generated in {time.perf_counter() - started:.1f} s: {len(snapshot.companies):,} company pages")
    inputs = HandwrittenInputs(
        today=AS_OF, notice_days=8, grace_days=15, min_amount_cents=100_00, penalty_points=Decimal(10),
        reply_link_days=60, plans=(("decouverte", 50), ("pro", 1000)), openapi=openapi_documents(),
    )  # fmt: skip
    work = Path(tempfile.mkdtemp(prefix="ardoise-site-bench-"))
    try:
        # Timed without the memory sampler, whose reads of the kernel's page tables would take a good part
        # of a core from the build; the peak memory comes from a second, identical build in a fresh folder.
        timed = SiteBuilder(work / "timed", base_url="https://ardoise.example.fr")
        cpu, load = cpu_seconds(), os.getloadavg()[0]
        full = timed.build(snapshot, inputs)
        user, system = (after - before for after, before in zip(cpu_seconds(), cpu, strict=True))
        shutil.rmtree(work / "timed")
        del timed  # it keeps the state it saved (every record and digest): not the second build's memory
        gc.collect()
        builder = SiteBuilder(args.keep or work / "build", base_url="https://ardoise.example.fr")
        with MemorySampler() as memory:
            sampled = builder.build(snapshot, inputs)
        steps = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in full.timings.items())
        say(f"FULL BUILD: {full.seconds:.1f} s wall, CPU {user + system:.1f} s (user {user:.1f} + sys {system:.1f}, ",
            f"process + workers), PEAK MEMORY {memory.peak / 2**20:.0f} MB (process + workers, PSS, sampled in a ",
            f"second identical build: {sampled.seconds:.1f} s with the sampler); {full.files:,} files, ",
            f"{full.written:,} written ({steps}); load average before: {load:.1f}")  # fmt: skip

        changed = one_company_changes(snapshot)
        incremental = builder.build(changed, inputs)
        say(f"INCREMENTAL BUILD after one company changed: {incremental.seconds:.2f} s, ",
            f"{incremental.rendered} files rendered, FILES REWRITTEN: {incremental.written}")  # fmt: skip
        for path in incremental.written_paths:
            say(f"  rewritten: {path}")
        again = builder.build(changed, inputs)
        say(f"no-change build: {again.seconds:.2f} s, {again.written} files rewritten")

        # After the builds: the thousands of files it deletes would slow every file created in the next minute
        # (ext4 without a journal skips recently deleted inodes one by one), the build's included.
        say(f"this disk, now: {disk_calibration(work):.0f} µs to create a folder holding an 11 KB file (what a ",
            "company page would cost as a file of its own; they are kept in packs)")  # fmt: skip

        index = build_search_index(changed.companies)
        costs, missed, truncated = lookup_figures(changed, index.files, args.lookups)
        costs.sort()
        total = sum(len(data) for data in index.files.values())
        say(f"search index: {len(index.files):,} shards, {total / 2**20:.1f} MB in all; BYTES PER LOOK-UP: median ",
            f"{statistics.median(costs) / 1000:.1f} KB, p99 {costs[int(len(costs) * 0.99)] / 1000:.1f} KB, ",
            f"max {costs[-1] / 1000:.1f} KB over {len(costs):,} queries (worst path of the whole tree: ",
            f"{index.worst_lookup_bytes / 1000:.1f} KB)")  # fmt: skip
        say(f"whole-name and SIREN queries that did not list their company: {missed} missed; {truncated} listed it ",
            "among 'and N others' (a name shared by more companies than one shard holds)")  # fmt: skip

        if args.mkdocs_sample:
            seconds = mkdocs_baseline(snapshot, args.mkdocs_sample, work / "mkdocs")
            per_page, pages = seconds / args.mkdocs_sample, len(snapshot.companies)
            say(f"BASELINE: `mkdocs build` (Material) on {args.mkdocs_sample:,} company pages + the hand-written ",
                f"ones: {seconds:.1f} s, {per_page * 1000:.1f} ms a page; EXTRAPOLATED linearly (not measured) to ",
                f"{pages:,} pages: {per_page * pages:.0f} s")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
