"""What a function's cold start loads: none of the heavy modules its first request may not need.

Each function's app module (the one Zappa imports) is imported in a fresh
interpreter; the test fails when it pulls in boto3, the PDF or QR writer, a
thread pool, the site's build, or builds a request model or the OpenAPI
document (pydantic models are built on first use: ``validation.View``).
No timing here: ``bench/api.py --cold-only`` measures the import itself.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ["directory", "charter", "reports", "einvoice", "publisher"]
# Loaded when a request needs them (boto3 is Lambda's, the rest the code's own), never at the import.
HEAVY = (
    "boto3",
    "botocore",
    "functions.core.pdf",
    "functions.core.qr",
    "segno",
    "concurrent.futures",
    "functions.site",
    "mkdocs",
    "sqlite3",
)
PROBE = """
import json, sys
import functions.{name}.app
from pydantic import BaseModel
built = sorted({{
    value.__qualname__
    for module, loaded in list(sys.modules.items()) if module.startswith("functions.")
    for value in vars(loaded).values()
    if isinstance(value, type) and issubclass(value, BaseModel) and value.__dict__.get("__pydantic_complete__")
    and value.__module__.startswith("functions.")
}})
print(json.dumps({{"heavy": [m for m in {heavy!r} if m in sys.modules], "built": built}}))
"""


def _cold_start(name: str) -> dict[str, list[str]]:
    env = {**os.environ, "ARDOISE_ENV": "local", "ARDOISE_SECRET_KEY": "cold-start-test-secret-key-0123456789"}
    probe = PROBE.format(name=name, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]  # json.loads is Any


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_function_starts_without_loading_what_its_first_request_may_not_need(name: str) -> None:
    assert _cold_start(name)["heavy"] == []


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_function_starts_without_building_its_models_or_its_openapi_document(name: str) -> None:
    assert _cold_start(name)["built"] == []
