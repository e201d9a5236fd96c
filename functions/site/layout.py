"""Where the build folder keeps each published file.

A company page is published as ``entreprises/<siren>-<slug>/index.html``, but the
build folder keeps company pages in *packs*: ``entreprises/<first 3 SIREN
digits>.zip``, uncompressed ZIP archives (``unzip -l`` lists them) of about a
hundred pages each at 100,000 companies, named inside by their published path.
Creating a file is what a page costs the disk most (an ext4 without journal looks
at every recently deleted inode of its group first: 0.2-0.8 ms a file on a disk
other builds churn, against 0.1 ms to render the page), so 100,000 pages make
900 files instead of 100,000. The search shards (about 7,000 small JSON files
at 100,000 companies) are packed the same way, by their key's first character:
``recherche/<a-z0-9>.zip``, 36 packs. A pack is replaced whole (written beside, then
renamed) when one of its pages changes: an incremental build rewrites the packs
of the pages it rewrites, about 1.4 MB each. Every other file is kept under its
published path. The publisher reads each file through :class:`BuiltFiles`.
"""

from __future__ import annotations

import io
import os
import re
import struct
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Container, Iterable, Mapping
from pathlib import Path

_COMPANY_PAGE = re.compile(r"^entreprises/(\d{3})\d{6}[^/]*/index\.html$")
# A search shard (``search_index.shard_file``): packed by the key's first character.
_SEARCH_SHARD = re.compile(r"^recherche/([0-9a-z])[0-9a-z_]*\.json$")
# Packs carry no date of their own: the same pages make the same bytes.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def pack_of(path: str) -> str | None:
    """The pack (a path in the build folder) that holds a published path, None when it is a file of its own."""
    match = _COMPANY_PAGE.match(path)
    if match:
        return f"entreprises/{match.group(1)}.zip"
    match = _SEARCH_SHARD.match(path)
    return f"recherche/{match.group(1)}.zip" if match else None


def pack_entries(out: Path, pack: str) -> dict[str, bytes]:
    """Every page a pack holds (none when it does not exist)."""
    try:
        with zipfile.ZipFile(out / pack) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except FileNotFoundError:
        return {}


def write_pack(out: Path, pack: str, pages: Mapping[str, bytes]) -> None:
    """Replace a pack by these pages (sorted by path); no pages: remove it."""
    target = out / pack
    if not pages:
        target.unlink(missing_ok=True)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{os.getpid()}")
    staging.write_bytes(zip_stored(pages))
    staging.replace(target)


# ZIP's fixed headers (APPNOTE 4.3.7, 4.3.12, 4.3.16) for stored entries: version 2.0, made on Unix,
# no data descriptor, no extra field, the DOS date of 1980-01-01 00:00.
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_DOS_TIME, _DOS_DATE = 0, (1 << 5) | 1
_UTF8_NAME = 1 << 11
_FILE_MODE = 0o100644 << 16
_ZIP32_LIMIT = 0xFFFF_FFFF


def zip_stored(pages: Mapping[str, bytes]) -> bytes:
    """An uncompressed ZIP archive of these pages, sorted by name: the same pages make the same bytes.

    Written here rather than with ``zipfile``, whose per-entry bookkeeping (a ZipInfo, a lock,
    a seek back to patch each header) cost more than rendering a company page. Archives too big
    for the 32-bit format (never a pack: about 1.4 MB) are left to ``zipfile``'s ZIP64.
    """
    if len(pages) >= 0xFFFF or sum(map(len, pages.values())) >= _ZIP32_LIMIT // 2:
        return _zip_stored_zip64(pages)
    parts: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in sorted(pages):
        data = pages[name]
        raw = name.encode()
        flags = 0 if name.isascii() else _UTF8_NAME
        crc = zlib.crc32(data)
        header = _LOCAL.pack(0x04034B50, 20, flags, 0, _DOS_TIME, _DOS_DATE, crc, len(data), len(data), len(raw), 0)
        entry = _CENTRAL.pack(
            0x02014B50, 0x0314, 20, flags, 0, _DOS_TIME, _DOS_DATE, crc, len(data), len(data),
            len(raw), 0, 0, 0, 0, _FILE_MODE, offset,
        )  # fmt: skip
        central.append(entry + raw)
        parts += (header, raw, data)
        offset += len(header) + len(raw) + len(data)
    directory = b"".join(central)
    end = _END.pack(0x06054B50, 0, 0, len(central), len(central), len(directory), offset, 0)
    return b"".join((*parts, directory, end))


def _zip_stored_zip64(pages: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(pages):
            archive.writestr(zipfile.ZipInfo(name, _EPOCH), pages[name])
    return buffer.getvalue()


def update_pack(out: Path, pack: str, written: Mapping[str, bytes], kept: Container[str]) -> None:
    """Write ``written`` into a pack, keeping of its other pages those in ``kept`` (the rest goes)."""
    pages = {name: data for name, data in pack_entries(out, pack).items() if name in kept}
    pages.update(written)
    write_pack(out, pack, pages)


def write_built(out: Path, path: str, data: bytes) -> None:
    """Write one file that is not packed under its published path (its folder made if needed)."""
    target = out / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


class BuiltFiles:
    """Read the build folder's files by published path, packed or not (safe across threads).

    Each pack's index is read once while the pack stays the same file (its inode, size and
    modification time), so reading every page of a pack opens it once.
    """

    KEPT = 16

    def __init__(self, out: Path) -> None:
        self.out = out
        self._archives: OrderedDict[str, tuple[tuple[int, int, int], zipfile.ZipFile]] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, path: str) -> bytes:
        """The bytes of a built file; FileNotFoundError when it is not in the build folder."""
        pack = pack_of(path)
        if pack is None:
            return (self.out / path).read_bytes()
        with self._lock:
            try:
                return self._archive(pack).read(path)
            except KeyError:
                raise FileNotFoundError(f"{path} is not in {self.out / pack}") from None

    def exists(self, path: str) -> bool:
        try:
            pack = pack_of(path)
            if pack is None:
                return (self.out / path).is_file()
            with self._lock:
                self._archive(pack).getinfo(path)
        except (FileNotFoundError, KeyError):
            return False
        return True

    def __enter__(self) -> BuiltFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            for _, archive in self._archives.values():
                archive.close()
            self._archives.clear()

    def _archive(self, pack: str) -> zipfile.ZipFile:
        status = (self.out / pack).stat()
        stamp = (status.st_ino, status.st_size, status.st_mtime_ns)
        held = self._archives.get(pack)
        if held is not None and held[0] == stamp:
            self._archives.move_to_end(pack)
            return held[1]
        if held is not None:
            held[1].close()
        archive = zipfile.ZipFile(self.out / pack)
        self._archives[pack] = (stamp, archive)
        while len(self._archives) > self.KEPT:
            self._archives.popitem(last=False)[1][1].close()
        return archive


def remove_from_packs(out: Path, paths: Iterable[str]) -> list[str]:
    """Remove packed pages from their packs (a pack left empty goes); return the paths that are not packed."""
    by_pack: dict[str, set[str]] = {}
    plain = []
    for path in paths:
        pack = pack_of(path)
        if pack is None:
            plain.append(path)
        else:
            by_pack.setdefault(pack, set()).add(path)
    for pack, gone in by_pack.items():
        held = pack_entries(out, pack)
        if gone & held.keys():
            write_pack(out, pack, {name: data for name, data in held.items() if name not in gone})
    return plain
