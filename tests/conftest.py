"""Fixtures shared by every test: a fixed clock, both stores, the three apps.

The environment is set before any app module is imported, so that module-level
``app`` objects (the Zappa entry points) never touch the developer's ``var/``.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SESSION_DIR = Path(tempfile.mkdtemp(prefix="ardoise-tests-"))
os.environ.update(
    {
        "ARDOISE_ENV": "local",
        # Every other local path (evidence, the generated secret, demo tokens) under the session's folder.
        "ARDOISE_HOME": str(_SESSION_DIR),
        "ARDOISE_STORE": f"sqlite:///{_SESSION_DIR}/module-apps.db",
        "ARDOISE_MAILER": f"outbox:{_SESSION_DIR}/outbox",
        "ARDOISE_SITE_DIR": str(_SESSION_DIR / "site"),
        "ARDOISE_SITE_BUILD_DIR": str(_SESSION_DIR / "site-build"),
        # The tick would build the whole site each time; the site's own tests turn it on.
        "ARDOISE_SITE_PUBLISH": "off",
        "ARDOISE_SECRET_KEY": "test-secret-key-not-for-production",
        "ARDOISE_LOG_LEVEL": "WARNING",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
    }
)
os.environ.pop("AWS_PROFILE", None)

import boto3  # noqa: E402 - the environment above must be set first
import pytest  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from moto import mock_aws  # noqa: E402

from functions.core.clock import FixedClock  # noqa: E402
from functions.core.config import Settings, load_settings  # noqa: E402
from functions.core.mailer import OutboxMailer  # noqa: E402
from functions.core.resources import Resources  # noqa: E402
from functions.core.store import Store  # noqa: E402
from functions.core.store.dynamodb import DynamoDbBackend  # noqa: E402
from functions.core.store.items import ItemBackend  # noqa: E402
from functions.core.store.sqlite import SqliteBackend  # noqa: E402
from tests.documented import AnswerLog  # noqa: E402

BACKENDS = ["sqlite", "dynamodb"]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


class AtomicCallsClient:
    """A boto3 client whose calls run one at a time.

    DynamoDB applies each call atomically (one UpdateItem, one transaction);
    moto's in-process backend does not lock, so threads could interleave inside
    a single call. Serializing calls restores the service's guarantee while
    leaving our read-modify-write races (between calls) fully in play.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call


def make_backend(kind: str, tmp_path: Path) -> ItemBackend:
    if kind == "sqlite":
        backend: ItemBackend = SqliteBackend(tmp_path / "ardoise.db")
    else:
        client = AtomicCallsClient(boto3.client("dynamodb", region_name="eu-west-3"))
        backend = DynamoDbBackend("ardoise-test", client)
    backend.create_schema()
    return backend


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ItemBackend]:
    """Each store test runs on SQLite and on DynamoDB (moto)."""
    if request.param == "dynamodb":
        with mock_aws():
            yield make_backend("dynamodb", tmp_path)
    else:
        yield make_backend("sqlite", tmp_path)


@pytest.fixture
def store(backend: ItemBackend, clock: FixedClock) -> Store:
    return Store(backend, clock)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        {
            "ARDOISE_HOME": str(tmp_path),
            "ARDOISE_STORE": f"sqlite:///{tmp_path}/ardoise.db",
            "ARDOISE_MAILER": f"outbox:{tmp_path}/outbox",
            "ARDOISE_SITE_DIR": str(tmp_path / "site"),
            "ARDOISE_SITE_BUILD_DIR": str(tmp_path / "site-build"),
            "ARDOISE_SITE_PUBLISH": "off",
            "ARDOISE_SECRET_KEY": "test-secret-key-not-for-production",
            "ARDOISE_LOG_LEVEL": "WARNING",
        }
    )


@pytest.fixture
def mailer(settings: Settings, tmp_path: Path) -> OutboxMailer:
    return OutboxMailer(tmp_path / "outbox", settings.mail_from)


@pytest.fixture
def resources(settings: Settings, store: Store, mailer: OutboxMailer, clock: FixedClock) -> Resources:
    return Resources(settings, store=store, mailer=mailer, clock=clock)


def _app(factory_module: str, resources: Resources) -> Flask:
    import importlib

    module = importlib.import_module(factory_module)
    app: Flask = module.create_app(
        settings=resources.settings, store=resources.store, mailer=resources.mailer, clock=resources.clock
    )
    app.config["TESTING"] = True
    return app


@pytest.fixture(autouse=True)
def answers() -> Iterator[AnswerLog]:
    """Fail a test whose requests got an answer (a status, a header a client acts upon) their OpenAPI omits."""
    with AnswerLog() as log:
        yield log
    undocumented = log.undocumented()
    assert not undocumented, f"answered but not in the OpenAPI document: {undocumented}"


@pytest.fixture
def directory_app(resources: Resources) -> Flask:
    return _app("functions.directory.app", resources)


@pytest.fixture
def charter_app(resources: Resources) -> Flask:
    return _app("functions.charter.app", resources)


@pytest.fixture
def reports_app(resources: Resources) -> Flask:
    return _app("functions.reports.app", resources)


@pytest.fixture
def directory(directory_app: Flask) -> FlaskClient:
    return directory_app.test_client()


@pytest.fixture
def charter(charter_app: Flask) -> FlaskClient:
    return charter_app.test_client()


@pytest.fixture
def reports(reports_app: Flask) -> FlaskClient:
    return reports_app.test_client()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly which backends the store contract ran on, and the Lambda-event results."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", "call") != "call":
                continue
            if "tests/store/" in nodeid:
                params = nodeid.partition("[")[2].rstrip("]").split("-")
                for kind in BACKENDS:
                    if kind in params:
                        counts.setdefault(f"store contract on {kind}", {}).setdefault(outcome, 0)
                        counts[f"store contract on {kind}"][outcome] += 1
            if "tests/lambda_events/" in nodeid:
                counts.setdefault("Lambda events through zappa.handler", {}).setdefault(outcome, 0)
                counts["Lambda events through zappa.handler"][outcome] += 1
    if counts:
        terminalreporter.section("Ardoise suites")
        for name, outcomes in sorted(counts.items()):
            terminalreporter.write_line(f"{name}: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
