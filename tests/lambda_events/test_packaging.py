"""The directory stage packages offline, from a clean venv, under 10 MiB zipped."""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10 * 1024 * 1024


@pytest.mark.packaging
def test_the_directory_stage_packages_offline_under_ten_mib(tmp_path: Path) -> None:
    env = {**os.environ, "LAMBDA_VENV": str(tmp_path / "venv"), "OUT_DIR": str(tmp_path / "out")}
    env.pop("VIRTUAL_ENV", None)
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "package_lambda.sh"), "directory"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    print(result.stdout.strip())
    archive = tmp_path / "out" / "directory.zip"
    assert archive.stat().st_size < LIMIT
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
        settings = bundle.read("zappa_settings.py").decode()
    assert "functions/directory/app.py" in names
    assert "APP_MODULE='functions.directory.app'" in settings.replace('"', "'").replace(" ", "")
    assert not any(name.startswith(("boto3/", "botocore/", "tests/", "moto/", "site/")) for name in names)
