from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from functions.cli.settings import TABLE_END, TABLE_START, markdown_table
from functions.core.config import SETTINGS, ConfigurationError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_local_defaults_need_no_environment(tmp_path: Path) -> None:
    settings = load_settings({"ARDOISE_HOME": str(tmp_path)})
    assert settings.store_url == f"sqlite:///{tmp_path}/var/ardoise.db"
    assert settings.mailer_url == f"outbox:{tmp_path}/var/outbox"
    assert (settings.notice_days, settings.grace_days, settings.min_amount_cents) == (8, 15, 100_00)
    assert not settings.is_production


def test_the_local_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings({"ARDOISE_HOME": str(tmp_path)}).secret_key
    assert len(first) > 40
    assert load_settings({"ARDOISE_HOME": str(tmp_path)}).secret_key == first
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0


def test_every_local_path_is_resolved_once_against_the_home_whatever_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "ardoise"
    monkeypatch.chdir(tmp_path)
    settings = load_settings({"ARDOISE_HOME": str(home), "ARDOISE_SITE_DIR": "public", "ARDOISE_SECRET_KEY": "k"})
    assert settings.store_url == f"sqlite:///{home}/var/ardoise.db"
    assert (settings.mailer_url, settings.evidence_url) == (f"outbox:{home}/var/outbox", f"folder:{home}/var/evidence")
    assert (settings.site_dir, settings.site_build_dir) == (f"{home}/public", f"{home}/var/site-build")
    assert settings.var_dir == home / "var"
    absolute = load_settings(
        {"ARDOISE_HOME": str(home), "ARDOISE_STORE": "sqlite:////srv/a.db", "ARDOISE_SECRET_KEY": "k"}
    )
    assert absolute.store_url == "sqlite:////srv/a.db"
    dynamodb = load_settings({"ARDOISE_STORE": "dynamodb://ardoise?region=eu-west-3", "ARDOISE_SECRET_KEY": "k"})
    assert dynamodb.store_url == "dynamodb://ardoise?region=eu-west-3"


def test_without_a_home_a_source_checkout_keeps_its_data_in_its_own_var_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({"ARDOISE_SECRET_KEY": "k"}).store_url == f"sqlite:///{ROOT}/var/ardoise.db"


def test_production_fails_fast_without_a_secret_key() -> None:
    with pytest.raises(ConfigurationError, match="ARDOISE_SECRET_KEY is required"):
        load_settings({"ARDOISE_ENV": "production"})


PRODUCTION = {
    "ARDOISE_SECRET_KEY": "s" * 48,
    "ARDOISE_STORE": "dynamodb://ardoise?region=eu-west-3",
    "ARDOISE_MAILER": "ses",
    "ARDOISE_EVIDENCE": "s3://ardoise-evidence/pieces",
    "ARDOISE_SITE_BUCKET": "ardoise-site",
}


def test_any_lambda_counts_as_production() -> None:
    with pytest.raises(ConfigurationError, match="ARDOISE_SECRET_KEY"):
        load_settings({"AWS_LAMBDA_FUNCTION_NAME": "ardoise-directory"})
    settings = load_settings({"AWS_LAMBDA_FUNCTION_NAME": "x", **PRODUCTION})
    assert settings.is_production


@pytest.mark.parametrize(
    ("name", "local_value"),
    [
        ("ARDOISE_STORE", "sqlite:///var/ardoise.db"),
        ("ARDOISE_MAILER", "outbox:var/outbox"),
        ("ARDOISE_EVIDENCE", "folder:var/evidence"),
        ("ARDOISE_SITE_BUCKET", ""),
    ],
)
def test_production_refuses_the_local_defaults(name: str, local_value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        load_settings({"ARDOISE_ENV": "production", **PRODUCTION, name: local_value})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ARDOISE_STORE", "bogus://x"),
        ("ARDOISE_STORE", "sqlite:///"),
        ("ARDOISE_MAILER", "smtp://x"),
        ("ARDOISE_EVIDENCE", "/tmp"),
    ],
)
def test_unknown_store_mailer_or_evidence_urls_are_refused_at_start(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        load_settings({name: value, "ARDOISE_SECRET_KEY": "k"})


@pytest.mark.parametrize(
    ("name", "value"), [("ARDOISE_GRACE_DAYS", "quinze"), ("ARDOISE_NOTICE_DAYS", "-1"), ("ARDOISE_MIN_AMOUNT", "cent")]
)
def test_malformed_settings_are_refused_with_their_name(name: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=name):
        load_settings({name: value, "ARDOISE_SECRET_KEY": "k"})


def test_the_minimum_amount_is_given_in_euros_and_kept_in_cents() -> None:
    assert load_settings({"ARDOISE_MIN_AMOUNT": "250.50", "ARDOISE_SECRET_KEY": "k"}).min_amount_cents == 25050


def test_the_readme_table_of_settings_is_exactly_what_ardoise_settings_prints() -> None:
    readme = (ROOT / "README.md").read_text()
    assert TABLE_START in readme and TABLE_END in readme, "the README lost its generated settings table"
    documented = readme.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0].strip("\n") + "\n"
    assert documented == markdown_table(), (
        "README's settings table differs from SETTINGS: paste `ardoise settings --markdown` between its markers"
    )
    assert all(f"| `{setting.env}` |" in documented for setting in SETTINGS)


def test_settings_defaults_are_written_only_in_settings() -> None:
    declared = {setting.field for setting in SETTINGS}
    assert {f.name for f in fields(Settings)} == declared
    assert len(declared) == len(SETTINGS)
    with_defaults = [f.name for f in fields(Settings) if f.default is not MISSING or f.default_factory is not MISSING]
    assert not with_defaults, f"Settings must not default {with_defaults}: write the default in SETTINGS"


def test_production_defaults_apply_on_a_lambda_unless_set() -> None:
    on_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "x", **PRODUCTION}
    assert load_settings(on_lambda).webhook_allow_private is False
    assert load_settings({**on_lambda, "ARDOISE_WEBHOOK_ALLOW_PRIVATE": "on"}).webhook_allow_private is True
    assert load_settings(on_lambda).env == "production"


def test_letters_are_posted_by_the_creditor_unless_an_outbox_under_the_home_is_named(tmp_path: Path) -> None:
    assert load_settings({"ARDOISE_HOME": str(tmp_path)}).letters_url == "creditor"
    outbox = load_settings({"ARDOISE_HOME": str(tmp_path), "ARDOISE_LETTERS": "outbox:var/letters"})
    assert outbox.letters_url == f"outbox:{tmp_path}/var/letters"
    assert load_settings({"AWS_LAMBDA_FUNCTION_NAME": "x", **PRODUCTION}).letters_url == "creditor"


@pytest.mark.parametrize("value", ["lrar", "outbox:", "maileva", "Creditor"])
def test_an_unknown_letter_poster_is_refused_at_start_with_the_choices(value: str) -> None:
    with pytest.raises(ConfigurationError, match=r"ARDOISE_LETTERS=.*use creditor or outbox:FOLDER"):
        load_settings({"ARDOISE_LETTERS": value, "ARDOISE_SECRET_KEY": "k"})


def test_production_refuses_a_letters_outbox_a_lambda_would_lose() -> None:
    with pytest.raises(ConfigurationError, match="ARDOISE_LETTERS must name `creditor`"):
        load_settings({"ARDOISE_ENV": "production", **PRODUCTION, "ARDOISE_LETTERS": "outbox:/tmp/letters"})
