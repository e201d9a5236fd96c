from pathlib import Path

import pytest

from functions.core.store import backend_from_url
from functions.core.store.dynamodb import DynamoDbBackend
from functions.core.store.sqlite import MIGRATIONS, SqliteBackend


def test_a_sqlite_url_names_a_relative_or_absolute_file(tmp_path: Path) -> None:
    relative = backend_from_url("sqlite:///var/ardoise.db")
    assert isinstance(relative, SqliteBackend) and relative.path == "var/ardoise.db"
    absolute = backend_from_url(f"sqlite:///{tmp_path}/a.db")
    assert isinstance(absolute, SqliteBackend) and absolute.path == f"{tmp_path}/a.db"


def test_a_dynamodb_url_names_the_table_and_region(aws: None) -> None:
    backend = backend_from_url("dynamodb://ardoise-prod?region=eu-west-3")
    assert isinstance(backend, DynamoDbBackend) and backend.table == "ardoise-prod"
    assert backend.client.meta.region_name == "eu-west-3"


@pytest.mark.parametrize("url", ["postgres://x", "sqlite://", "dynamodb://"])
def test_unknown_or_incomplete_store_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        backend_from_url(url)


def test_a_new_sqlite_file_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "a.db")
    backend.create_schema()
    assert backend.schema_version() == len(MIGRATIONS)
    reopened = SqliteBackend(tmp_path / "a.db")
    assert reopened.schema_version() == len(MIGRATIONS)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    backend = SqliteBackend(tmp_path / "a.db")
    backend.create_schema()
    assert backend._connect().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
