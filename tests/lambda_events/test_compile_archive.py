"""The archive step adds valid bytecode for what a cold start imports, and only within the size limit.

A small Zappa-shaped zip stands for a real archive (``zappa package`` takes
minutes: ``test_packaging.py`` runs it, marked ``packaging``): a handler, the
generated settings naming the app module, a package whose app imports one
module and not another, and a scheduled event's module.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
STAGE = {
    "runtime": f"python{sys.version_info.major}.{sys.version_info.minor}",
    "events": [{"function": "shop.jobs.tick"}],
}
FILES = {
    "handler.py": "import json\n",
    "zappa_settings.py": "APP_MODULE='shop.app'\nAPP_FUNCTION='app'\n",
    "shop/__init__.py": "",
    "shop/app.py": "from shop import used\napp = used.VALUE\n",
    "shop/used.py": "VALUE = 42\n",
    "shop/unused.py": "raise RuntimeError('a cold start never imports this')\n",
    "shop/jobs.py": "def tick(event, context):\n    return None\n",
}
COLD = ["handler.py", "shop/__init__.py", "shop/app.py", "shop/jobs.py", "shop/used.py", "zappa_settings.py"]


def _step() -> ModuleType:
    spec = importlib.util.spec_from_file_location("compile_archive", ROOT / "scripts" / "compile_archive.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


step = _step()


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    path = tmp_path / "shop.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in FILES.items():
            bundle.writestr(zipfile.ZipInfo(name), text)  # dated 1980, as Zappa writes them
    return path


def _pycs(archive: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(archive) as bundle:
        return {name: bundle.read(name) for name in bundle.namelist() if name.endswith(".pyc")}


def test_the_archive_step_adds_unchecked_hash_bytecode_for_each_module_a_cold_start_imports(archive: Path) -> None:
    compiled, size = step.add_bytecode(archive, STAGE, max_bytes=10 * 1024 * 1024)
    pycs = _pycs(archive)
    assert compiled == len(COLD) and size == archive.stat().st_size
    assert sorted(pycs) == sorted(step.pyc_name(source) for source in COLD)
    with zipfile.ZipFile(archive) as bundle:
        for source in COLD:
            pyc = pycs[step.pyc_name(source)]
            assert pyc[:4] == importlib.util.MAGIC_NUMBER
            assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, never checked against the source
            assert pyc[8:16] == importlib.util.source_hash(bundle.read(source))


def test_a_module_no_cold_start_imports_gets_no_bytecode(archive: Path) -> None:
    step.add_bytecode(archive, STAGE, max_bytes=10 * 1024 * 1024)
    assert step.pyc_name("shop/unused.py") not in _pycs(archive)


def test_the_unpacked_archive_imports_its_app_from_the_added_bytecode_and_not_from_the_source(
    archive: Path, tmp_path: Path
) -> None:
    step.add_bytecode(archive, STAGE, max_bytes=10 * 1024 * 1024)
    root = tmp_path / "task"
    with zipfile.ZipFile(archive) as bundle:
        bundle.extractall(root)
    (root / "shop" / "used.py").write_text("VALUE = 'edited after packaging: unchecked pycs do not see it'\n")
    probe = "import sys; sys.path.insert(0, sys.argv[1]); import shop.app; print(shop.app.app)"
    out = subprocess.run([sys.executable, "-B", "-c", probe, str(root)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "42"


def test_an_archive_that_would_pass_the_limit_with_its_bytecode_is_left_as_it_was(archive: Path) -> None:
    before = archive.read_bytes()
    with pytest.raises(step.ArchiveError, match="over"):
        step.add_bytecode(archive, STAGE, max_bytes=len(before) + 10)
    assert archive.read_bytes() == before


def test_bytecode_for_another_runtime_than_this_interpreter_is_refused(archive: Path) -> None:
    with pytest.raises(step.ArchiveError, match=r"python3\.9"):
        step.add_bytecode(archive, {**STAGE, "runtime": "python3.9"}, max_bytes=10 * 1024 * 1024)


def test_a_stage_reads_the_runtime_and_events_of_the_stage_it_extends() -> None:
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    charter, directory = step.stage_settings(settings, "charter"), step.stage_settings(settings, "directory")
    assert charter["runtime"] == directory["runtime"] == "python3.11"
    assert step.event_modules(charter) == [] and step.event_modules(directory) == ["functions.directory.jobs"]
    assert step.event_modules(step.stage_settings(settings, "publisher")) == ["functions.publisher.jobs"]
