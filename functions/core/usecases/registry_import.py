"""Importing the registry's files: SIRENE's legal units and establishments, BODACC's export.

One use case for every file, wherever it lies (a local path, an S3 object):
it recognises the file by its header (or its first character, for JSON),
streams its records in constant memory, writes them in batches, and keeps its
progress in the store after each batch — the byte offset where the next record
starts (the record count for JSON), under the file's fingerprint. An import
interrupted (a killed command, a Lambda out of time) carries on from there when
run again; a file imported again writes nothing (``Registry`` keeps the newer
data only); a daily update file goes through the same path as the stock.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from functions.core.clock import isoformat
from functions.core.domain.registry import CompanyIdentity, HeadOffice, Judgment
from functions.core.progress import SILENT, Progress
from functions.core.registry import bodacc, sirene
from functions.core.registry.files import CHUNK, file_fingerprint, open_records, read_header, sniff_delimiter
from functions.core.resources import Resources
from functions.core.store.registry import ImportProgress

# Records read between two writes (and two progress checkpoints).
BATCH_RECORDS = 5000


class SourceFile(Protocol):
    """A file to import: its name, size and fingerprint, and a seekable binary handle on its bytes."""

    @property
    def name(self) -> str: ...

    def size(self) -> int: ...

    def fingerprint(self) -> str: ...

    def open(self) -> BinaryIO: ...


@dataclass(frozen=True)
class LocalFile:
    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def size(self) -> int:
        return self.path.stat().st_size

    def fingerprint(self) -> str:
        return file_fingerprint(self.path)

    def open(self) -> BinaryIO:
        return self.path.open("rb")


class UnreadableFile(ValueError):
    """Neither a SIRENE file nor a BODACC export, or damaged: nothing of it was imported past this point."""


@dataclass(frozen=True)
class ImportResult:
    source: str  # sirene_unites, sirene_etablissements or bodacc
    file: str
    records: int  # records read in the whole file so far
    written: int  # items that changed in the store
    done: bool  # False: stopped before the end (time limit), run again to carry on
    resumed_from: int  # byte offset (or record count, for JSON) where this run started
    already_imported: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "file": self.file,
            "records": self.records,
            "written": self.written,
            "done": self.done,
            "resumed_from": self.resumed_from,
            "already_imported": self.already_imported,
        }


def import_file(
    res: Resources,
    source_file: SourceFile,
    progress: Progress = SILENT,
    *,
    again: bool = False,
    batch: int = BATCH_RECORDS,
    out_of_time: Callable[[], bool] = lambda: False,
    expect: tuple[str, ...] = ("sirene_unites", "sirene_etablissements", "bodacc"),
) -> ImportResult:
    """Import one file (or carry on with it); ``again`` reads a file already imported once more.

    ``out_of_time`` is asked after each batch: when it says so, the import
    stops there, its progress kept, and returns ``done=False``. A file whose
    source is not in ``expect`` is refused before anything is written.
    """
    with source_file.open() as handle:
        first = handle.readline()
        handle.seek(0)
        job = _Job(res, source_file, handle, source_file.fingerprint(), progress, again, batch, out_of_time)
        delimiter = sniff_delimiter(first)
        source = _source_of(source_file.name, first, delimiter)
        if source not in expect:
            raise UnreadableFile(f"{source_file.name} is a {source} file, not one this import takes")
        if source == "bodacc" and first.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
            return _import_json(job)
        return _import_csv(job, source, delimiter)


def _source_of(name: str, first: bytes, delimiter: str) -> str:
    """Recognise a file by its first line: a JSON export, BODACC's CSV header, or one of SIRENE's."""
    if first.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "bodacc"
    header = read_header(first, delimiter)
    if "familleavis" in header or "registre" in header:
        return "bodacc"
    try:
        layout = sirene.layout_of(header)
    except sirene.UnknownLayout as exc:
        raise UnreadableFile(f"{name}: {exc}") from exc
    return "sirene_unites" if layout.kind == "units" else "sirene_etablissements"


@dataclass(frozen=True)
class _Job:
    res: Resources
    source_file: SourceFile
    handle: BinaryIO
    fingerprint: str
    progress: Progress
    again: bool
    batch: int
    out_of_time: Callable[[], bool]


def _start(res: Resources, source: str, source_file: SourceFile, fingerprint: str, again: bool) -> ImportProgress:
    kept = res.store.registry.get_progress(source, fingerprint)
    now = isoformat(res.clock())
    if kept is None or (kept.done and again):
        return ImportProgress(source, fingerprint, source_file.name, started_at=now)
    return kept


class _Writer:
    """Batches of records written to the registry, the progress kept after each."""

    def __init__(self, res: Resources, state: ImportProgress, sink: Callable[[list[Any]], int]) -> None:
        self.res, self.state, self.sink = res, state, sink
        self.pending: list[Any] = []
        self.written = 0  # by this run

    def flush(self, position: int, records: int) -> None:
        """Write what is pending, then keep ``position`` (where the next record starts) and the count read."""
        changed = self.sink(self.pending) if self.pending else 0
        self.pending = []
        self.written += changed
        self.state = replace(self.state, offset=position, records=records, written=self.state.written + changed)
        self.res.store.registry.save_progress(self.state)

    def finish(self, file_date: str) -> None:
        self.state = replace(
            self.state, done=True, finished_at=isoformat(self.res.clock()), file_date=file_date or self.state.file_date
        )
        self.res.store.registry.save_progress(self.state)


def _sink(res: Resources, source: str) -> Callable[[list[Any]], int]:
    registry = res.store.registry
    if source == "sirene_unites":
        return registry.put_units
    if source == "sirene_etablissements":
        return registry.put_seats
    return lambda notices: _write_notices(res, notices)


def _write_notices(res: Resources, notices: list[bodacc.Notice]) -> int:
    judgments: list[tuple[str, Judgment]] = []
    cancelled: list[tuple[str, str]] = []
    for notice in notices:
        for siren in notice.sirens:
            if notice.judgment is not None:
                judgments.append((siren, notice.judgment))
            if notice.cancels is not None:
                cancelled.append((siren, notice.cancels))
    # A cancellation may come in the same batch as the notice it cancels: judgments first.
    return res.store.registry.put_judgments(judgments) + res.store.registry.cancel_judgments(cancelled)


def _import_csv(job: _Job, source: str, delimiter: str) -> ImportResult:
    res, source_file, handle, fingerprint = job.res, job.source_file, job.handle, job.fingerprint
    progress, again, batch, out_of_time = job.progress, job.again, job.batch, job.out_of_time
    state = _start(res, source, source_file, fingerprint, again)
    if state.done:
        return _result(state, 0, state.offset, already=True)
    records = open_records(handle, offset=state.offset, delimiter=delimiter)
    started = records.offset  # past the header when starting
    size = source_file.size()
    to_record = _csv_reader(source, records.header)
    writer = _Writer(res, state, _sink(res, source))
    latest = state.file_date
    progress.begin(f"{source} {source_file.name}", size - started)
    told = started
    count = state.records
    for row in records:
        count += 1
        record = to_record(row)
        if record is not None:
            writer.pending.append(record)
            stamp = _stamp(record)
            latest = stamp if stamp > latest else latest
        if count % batch == 0:
            writer.flush(records.offset, count)
            progress.advance(records.offset - told)
            told = records.offset
            if out_of_time():
                return _result(writer.state, writer.written, state.offset, done=False)
    writer.flush(records.offset, count)
    progress.advance(size - told)
    writer.finish(latest)
    return _result(writer.state, writer.written, state.offset)


def _stamp(record: bodacc.Notice | CompanyIdentity | HeadOffice) -> str:
    if isinstance(record, bodacc.Notice):
        return record.judgment.published_on.isoformat() if record.judgment else ""
    return record.updated[:10]  # a legal unit's or head office's update stamp


def _csv_reader(source: str, header: list[str]) -> Callable[[list[str]], Any]:
    if source == "bodacc":

        def notice(row: list[str]) -> bodacc.Notice | None:
            return bodacc.notice_from(dict(zip(header, row, strict=False)))

        return notice
    return sirene.layout_of(header).record


def _import_json(job: _Job) -> ImportResult:
    res, source_file, handle, fingerprint = job.res, job.source_file, job.handle, job.fingerprint
    progress, again, batch, out_of_time = job.progress, job.again, job.batch, job.out_of_time
    # A JSON array has no line to seek to: an interrupted import re-reads (decodes only) the
    # records it had written, ``offset`` counting records here. The CSV export seeks instead:
    # prefer it for the large files a Lambda imports in several runs.
    state = _start(res, "bodacc", source_file, fingerprint, again)
    if state.done:
        return _result(state, 0, state.offset, already=True)
    skip = state.offset
    writer = _Writer(res, state, _sink(res, "bodacc"))
    decoder = codecs.getincrementaldecoder("utf-8")()
    consumed = 0

    def chunks() -> Iterator[str]:
        nonlocal consumed
        while chunk := handle.read(CHUNK):
            consumed += len(chunk)
            yield decoder.decode(chunk)
        yield decoder.decode(b"", final=True)

    size = source_file.size()
    progress.begin(f"bodacc {source_file.name}", size)
    told = 0
    latest = state.file_date
    count = 0
    try:
        for record in bodacc.json_records(chunks()):
            count += 1
            if count > skip:
                notice = bodacc.notice_from(record)
                if notice is not None:
                    writer.pending.append(notice)
                    latest = max(latest, _stamp(notice))
            # Records read again up to ``skip`` are not new work: no checkpoint, no time check
            # there, or a run short of time would never get past them.
            if count > skip and (count - skip) % batch == 0:
                writer.flush(count, count)
                progress.advance(consumed - told)
                told = consumed
                if out_of_time():
                    return _result(writer.state, writer.written, skip, done=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnreadableFile(f"{source_file.name}: {exc}") from exc
    writer.flush(count, count)
    progress.advance(size - told)
    writer.finish(latest)
    return _result(writer.state, writer.written, skip)


def _result(
    state: ImportProgress, written: int, started: int, *, done: bool = True, already: bool = False
) -> ImportResult:
    return ImportResult(state.source, state.name, state.records, written, done, started, already)


# Where an operator drops the files in the registry bucket (see docs: the monthly and daily routine).
BUCKET_PREFIX = "registry/"


def import_bucket(
    res: Resources, client: Any, bucket: str, *, out_of_time: Callable[[], bool], batch: int = BATCH_RECORDS
) -> dict[str, Any]:
    """Import, in key order, the files dropped under ``registry/`` of ``bucket`` not imported yet, while time lasts.

    A scheduled event calls it (``functions.publisher.jobs.import_registry``):
    each call carries on with the file the last one stopped in, and files
    imported before are recognised by their fingerprint and skipped.
    """
    from functions.core.registry.s3 import list_objects

    done: list[str] = []
    unreadable: list[str] = []
    skipped = 0
    for source_file in list_objects(client, bucket, BUCKET_PREFIX):
        if out_of_time():
            return {"imported": done, "skipped": skipped, "unreadable": unreadable, "complete": False}
        try:
            result = import_file(res, source_file, out_of_time=out_of_time, batch=batch)
        except UnreadableFile as exc:
            unreadable.append(str(exc))  # left in the bucket: the operator sees it in the step's result
            continue
        if result.already_imported:
            skipped += 1
            continue
        if not result.done:
            return {"imported": done, "skipped": skipped, "unreadable": unreadable, "complete": False,
                    "stopped_in": source_file.key, "records": result.records}  # fmt: skip
        done.append(source_file.key)
    return {"imported": done, "skipped": skipped, "unreadable": unreadable, "complete": True}
