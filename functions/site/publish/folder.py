"""Publishing to a folder (what ``ardoise serve`` serves locally, or any web server's root).

Each file is written to a temporary name then renamed over the old one, so that
a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from functions.site.publish.common import FileInfo

MANIFEST = ".ardoise-publication.json"


class FolderTarget:
    """A folder on disk."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def read_manifest(self) -> dict[str, str]:
        try:
            data = json.loads((self.root / MANIFEST).read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return {str(path): str(signature) for path, signature in data.items()}

    def write_manifest(self, manifest: Mapping[str, str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.root / MANIFEST, json.dumps(manifest, separators=(",", ":"), sort_keys=True).encode())

    def list_paths(self) -> set[str]:
        found = set()
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name).relative_to(self.root).as_posix()
                if not name.startswith(".") and not name.endswith(".ardoise-tmp"):
                    found.add(path)
        return found

    def put(self, info: FileInfo, data: bytes) -> None:
        _atomic_write(self.root / info.path, data)

    def delete(self, paths: list[str]) -> None:
        for path in paths:
            target = self.root / path
            target.unlink(missing_ok=True)
            folder = target.parent
            while folder != self.root and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
                folder = folder.parent


def _atomic_write(target: Path, data: bytes) -> None:
    temporary = target.with_name(target.name + f".{os.getpid()}.ardoise-tmp")
    try:
        temporary.write_bytes(data)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
    temporary.replace(target)
