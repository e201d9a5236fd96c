"""Streaming a large text file from any byte offset, in constant memory, knowing where each record ends.

The monthly SIRENE stock is several GB: it is read in chunks of ``CHUNK``
bytes, whatever holds it (a local file, an S3 object read from a byte range),
and parsed by ``csv`` over the stream of its lines. After each record the
reader knows the byte offset where the next one starts, which is what an
interrupted import keeps to carry on.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
# Bytes hashed at each end of a file to recognise it again (with its size) without reading it all.
FINGERPRINT_BYTES = 1 << 16

# A CSV field may hold a whole address: csv's default limit (128 KiB) is kept, not raised.
Read = Callable[[int], bytes]


def fingerprint(size: int, head: bytes, tail: bytes) -> str:
    """Name a file by its size and its first and last bytes: the same file has the same fingerprint."""
    digest = hashlib.sha256(f"{size}:".encode())
    digest.update(head)
    digest.update(b"\x00")
    digest.update(tail)
    return digest.hexdigest()[:32]


def file_fingerprint(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(FINGERPRINT_BYTES)
        handle.seek(max(0, size - FINGERPRINT_BYTES))
        tail = handle.read(FINGERPRINT_BYTES)
    return fingerprint(size, head, tail)


class Lines:
    """The lines of a byte stream (endings kept), counting the bytes handed out."""

    def __init__(self, read: Read, offset: int = 0) -> None:
        self._read = read
        self.offset = offset

    def __iter__(self) -> Iterator[str]:
        pending = b""
        while True:
            chunk = self._read(CHUNK)
            if not chunk:
                break
            parts = (pending + chunk).split(b"\n")
            pending = parts.pop()
            for part in parts:
                self.offset += len(part) + 1
                yield part.decode("utf-8") + "\n"
        if pending:
            self.offset += len(pending)
            yield pending.decode("utf-8")


@dataclass
class Records:
    """CSV records of a file read by header names, resumable at a byte offset.

    ``header`` is read from the file's first line (a UTF-8 byte order mark is
    ignored); iterating yields each record as a list of fields, and after each
    one ``offset`` is where the next record starts.
    """

    header: list[str]
    lines: Lines
    delimiter: str = ","

    def __iter__(self) -> Iterator[list[str]]:
        return iter(csv.reader(self.lines, delimiter=self.delimiter, strict=False))

    @property
    def offset(self) -> int:
        return self.lines.offset

    def column(self, name: str) -> int | None:
        """The index of a column by its name, None when the file lacks it (files gain columns over time)."""
        try:
            return self.header.index(name)
        except ValueError:
            return None


def read_header(first_line: bytes, delimiter: str = ",") -> list[str]:
    text = first_line.decode("utf-8-sig").rstrip("\r\n")
    return next(csv.reader([text], delimiter=delimiter), [])


def open_records(handle: BinaryIO, *, offset: int = 0, delimiter: str = ",") -> Records:
    """Read the header of an open file, then position it at ``offset`` (0: the first record)."""
    handle.seek(0)
    first = handle.readline()
    header = read_header(first, delimiter)
    start = max(offset, len(first))
    handle.seek(start)
    return Records(header, Lines(handle.read, start), delimiter)


def sniff_delimiter(first_line: bytes) -> str:
    """``;`` for DILA's CSV exports, ``,`` for INSEE's: whichever the header line uses more."""
    return ";" if first_line.count(b";") > first_line.count(b",") else ","
