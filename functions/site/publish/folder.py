"""Publishing to a folder (what ``ardoise serve`` serves locally, or any web server's root).

Each file is written to a temporary name then renamed over the old one, so that
a reader never sees half a file. A file's stamp is the digest of its content, so
the publisher trusts the manifest only for files that still hold what it says;
the digest is computed again only for a file whose size, modification time or
inode changed since this target last read or wrote it (as ``git status`` does),
so a long-lived process (``ardoise serve``) reads the folder's files once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from functions.site.facts import digest
from functions.site.publish.common import (
    FileInfo,
    Manifest,
    Published,
    StateMoved,
    decode_manifest,
    encode_manifest,
    pack_state,
    unpack_state,
)

MANIFEST = ".ardoise-publication.json"
STATE = ".ardoise-build-state.sqlite.gz"
_Stat = tuple[int, int, int]


class FolderTarget:
    """A folder on disk."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._digests: dict[str, tuple[_Stat, str]] = {}

    def read_manifest(self) -> Manifest:
        try:
            return decode_manifest((self.root / MANIFEST).read_bytes())
        except FileNotFoundError:
            return {}

    def write_manifest(self, manifest: Mapping[str, Published]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.root / MANIFEST, encode_manifest(manifest))

    def list_stamps(self) -> dict[str, str]:
        found = {}
        for folder, _, names in os.walk(self.root):
            for name in names:
                if name.startswith(".") or name.endswith(".ardoise-tmp"):
                    continue
                file = Path(folder, name)
                path = file.relative_to(self.root).as_posix()
                try:
                    found[path] = self._digest(path, file)
                except FileNotFoundError:
                    continue  # deleted while we listed: not held
        self._digests = {path: known for path, known in self._digests.items() if path in found}
        return found

    def put(self, info: FileInfo, data: bytes) -> str:
        target = self.root / info.path
        _atomic_write(target, data)
        stamp = digest(data)
        self._digests[info.path] = (_stat(target), stamp)
        return stamp

    def delete(self, paths: list[str]) -> None:
        for path in paths:
            target = self.root / path
            target.unlink(missing_ok=True)
            self._digests.pop(path, None)
            folder = target.parent
            while folder != self.root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent

    def state_stamp(self) -> str | None:
        try:
            return digest((self.root / STATE).read_bytes())
        except FileNotFoundError:
            return None

    def read_state(self, destination: Path) -> str | None:
        try:
            data = (self.root / STATE).read_bytes()
        except FileNotFoundError:
            return None
        return digest(data) if unpack_state(data, destination) else None

    def write_state(self, source: Path, expected: str | None) -> str:
        if self.state_stamp() != expected:
            raise StateMoved(f"{self.root / STATE} changed meanwhile")
        data = pack_state(source)
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.root / STATE, data)
        return digest(data)

    def _digest(self, path: str, file: Path) -> str:
        stat = _stat(file)
        known = self._digests.get(path)
        if known is not None and known[0] == stat:
            return known[1]
        stamp = digest(file.read_bytes())
        self._digests[path] = (stat, stamp)
        return stamp


def _stat(file: Path) -> _Stat:
    stat = file.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)


def _atomic_write(target: Path, data: bytes) -> None:
    temporary = target.with_name(target.name + f".{os.getpid()}.ardoise-tmp")
    try:
        temporary.write_bytes(data)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
    temporary.replace(target)
