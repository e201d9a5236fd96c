"""Add to a Zappa archive the bytecode of the modules its cold start imports.

    python scripts/compile_archive.py ARCHIVE --stage STAGE [--settings zappa_settings.json] [--max-mib 10]

Zappa leaves ``.pyc`` files out of the archive (the settings exclude them), so
each cold start would compile every module it imports from source: about two
thirds of a function's import. This step unpacks the archive, imports in a
fresh interpreter what Lambda imports at a cold start (Zappa's ``handler``, the
generated ``zappa_settings``, the stage's app module and the modules of its
scheduled events), and adds a ``__pycache__`` entry for each of those modules
found in the archive, and only those: compiling every module of every
dependency would take an API stage over its 10 MiB.

The entries are unchecked-hash pycs (PEP 552,
``py_compile.PycInvalidationMode.UNCHECKED_HASH``): Zappa dates every zip
entry 1980, so pycs checked against the source's modification time would be
taken for stale and compiled again; the archive is never edited in place, so
nothing needs checking. They are compiled by this interpreter, which must be
the stage's runtime (``python3.11``): another one would write a magic number
Lambda's interpreter ignores.

The archive is rewritten only when the result stays within ``--max-mib``;
otherwise it is left as it was and the step fails. Prints one line: how many
modules were compiled and the archive's size.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import py_compile
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

# What the probe imports, from the archive's root (then, for what Lambda's runtime provides, boto3 for
# Zappa's handler, this interpreter's site-packages): Zappa's handler and its settings, then the app and events.
PROBE = """
import importlib, json, sys
sys.path.insert(0, {root!r})
sys.path.append({runtime!r})
import handler, zappa_settings
for module in [zappa_settings.APP_MODULE, *{events!r}]:
    importlib.import_module(module)
print(json.dumps(sorted({{m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)}})))
"""
# The environment of the probe: a local one, so that importing the app reaches nothing outside.
PROBE_ENV = {
    "ARDOISE_ENV": "local",
    "ARDOISE_SECRET_KEY": "compile-archive-probe-not-a-secret-0123456789",
    "ARDOISE_LOG_LEVEL": "WARNING",
    "PYTHONDONTWRITEBYTECODE": "1",
}
# The mode of the entries Zappa writes, as it writes them (a Unix file, read and execute for all).
UNIX = 3
MODE = 0o755 << 16


class ArchiveError(Exception):
    """The archive cannot take its bytecode: wrong interpreter, or over the size limit."""


def stage_settings(settings: Mapping[str, Any], stage: str) -> dict[str, Any]:
    """A stage's Zappa settings, those it ``extends`` applied first (as Zappa reads them)."""
    own = dict(settings[stage])
    parent = own.pop("extends", None)
    return {**(stage_settings(settings, parent) if parent else {}), **own}


def event_modules(stage: Mapping[str, Any]) -> list[str]:
    """The modules of a stage's scheduled events (``functions.directory.jobs`` for ``...jobs.tick``)."""
    return sorted({event["function"].rpartition(".")[0] for event in stage.get("events", ())})


def check_runtime(runtime: str) -> None:
    """Refuse to compile for another Python than this one: Lambda would ignore the pycs."""
    here = f"python{sys.version_info.major}.{sys.version_info.minor}"
    if runtime != here:
        raise ArchiveError(f"the stage runs {runtime}, this interpreter is {here}: run this step with {runtime}")


def imported_files(root: Path, events: Iterable[str]) -> list[Path]:
    """The archive's ``.py`` files a cold start imports, found by importing them in a fresh interpreter.

    ``-S`` keeps this interpreter's own site-packages out but at the end of the path, where it stands for
    what Lambda's runtime provides (boto3): only the archive's modules are reported.
    """
    probe = PROBE.format(root=str(root), runtime=sysconfig.get_paths()["purelib"], events=list(events))
    env = {**os.environ, **PROBE_ENV}
    command = [sys.executable, "-S", "-c", probe]
    out = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)  # noqa: S603 - our own interpreter and probe
    if out.returncode != 0:
        raise ArchiveError(f"importing the archive's app failed:\n{out.stderr[-3000:]}")
    inside = [Path(name).resolve() for name in json.loads(out.stdout)]
    root = root.resolve()
    return sorted(path for path in inside if path.suffix == ".py" and path.is_relative_to(root))


def pyc_name(source: str) -> str:
    """The archive name of a module's bytecode: ``a/b.py`` -> ``a/__pycache__/b.cpython-311.pyc``."""
    return Path(importlib.util.cache_from_source(source)).as_posix()


def add_bytecode(archive: Path, stage: Mapping[str, Any], *, max_bytes: int) -> tuple[int, int]:
    """Add the cold start's bytecode to ``archive``; return (modules compiled, archive size in bytes).

    The archive is replaced only when the result is at most ``max_bytes``.
    """
    check_runtime(stage.get("runtime", ""))
    with tempfile.TemporaryDirectory(prefix="compile-archive-") as tmp:
        root = Path(tmp) / "root"
        with zipfile.ZipFile(archive) as bundle:
            bundle.extractall(root)
            names = set(bundle.namelist())
        sources = [path.relative_to(root).as_posix() for path in imported_files(root, event_modules(stage))]
        staged = Path(tmp) / archive.name
        shutil.copyfile(archive, staged)
        compiled = 0
        with zipfile.ZipFile(staged, "a", zipfile.ZIP_DEFLATED) as bundle:
            for source in sources:
                name = pyc_name(source)
                if name in names or source not in names:
                    continue
                pyc = Path(tmp) / "pyc" / name
                py_compile.compile(
                    str(root / source),
                    cfile=str(pyc),
                    dfile=source,
                    doraise=True,
                    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
                )
                entry = zipfile.ZipInfo(name)  # dated 1980, as Zappa dates its entries
                entry.create_system, entry.external_attr = UNIX, MODE
                bundle.writestr(entry, pyc.read_bytes(), zipfile.ZIP_DEFLATED)
                compiled += 1
        size = staged.stat().st_size
        if size > max_bytes:
            raise ArchiveError(
                f"{archive.name} with its bytecode would be {size / 1048576:.1f} MiB, over "
                f"{max_bytes / 1048576:.0f} MiB: left without it"
            )
        shutil.move(staged, archive)
    return compiled, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--stage", required=True)
    parser.add_argument("--settings", type=Path, default=Path("zappa_settings.json"))
    parser.add_argument("--max-mib", type=float, default=10)
    args = parser.parse_args(argv)
    stage = stage_settings(json.loads(args.settings.read_text()), args.stage)
    try:
        compiled, size = add_bytecode(args.archive, stage, max_bytes=int(args.max_mib * 1024 * 1024))
    except ArchiveError as error:
        print(f"{args.stage}: {error}", file=sys.stderr)
        return 1
    print(f"{args.stage}: bytecode of {compiled} modules added ({size / 1048576:.1f} MiB zipped)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
