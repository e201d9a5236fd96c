"""Typed settings, read once from the environment.

Every setting is data with its default and help text (``SETTINGS``), written
once: ``load_settings`` reads them, ``ardoise settings --markdown`` prints the
README's table from them (a test fails when the two differ), and ``Settings``
has no default of its own. Local runs get safe defaults; production
(``ARDOISE_ENV=production``, or any Lambda) fails fast on a missing secret or a
local resource.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from functions.core.domain.penalties import RateChange, parse_rate_table
from functions.core.money import cents_from_euros
from functions.core.post import check_letters_url


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed: the process must not start."""


@dataclass(frozen=True)
class Needed:
    """What a setting must name in production: a value starting with ``prefix``, described as ``what``."""

    prefix: str
    what: str


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, defaults, meaning, parser and what production needs of it."""

    env: str
    field: str
    default: str | None
    help: str
    parse: Callable[[str], Any] = str
    required_in_production: bool = False
    # Production must not run on local files that a Lambda loses at each cold start.
    needed_in_production: Needed | None = None
    # The default when running in production, where it differs from the local one.
    production_default: str | None = None
    # How the docs name a default that is computed at start (``default`` is then None).
    computed_default: str = ""


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError("must be zero or more")
    return value


def _plans(raw: str) -> tuple[tuple[str, int], ...]:
    plans = []
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, _, quota = part.partition(":")
        if not name.strip().isidentifier() or not quota.strip().isdigit():
            raise ValueError("plans are written name:quota, separated by commas")
        plans.append((name.strip(), int(quota)))
    if not plans:
        raise ValueError("at least one plan is needed")
    return tuple(plans)


def _decimal(raw: str) -> Decimal:
    try:
        return Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError("must be a number, such as 10 or 7.5") from exc


def _on_off(raw: str) -> bool:
    if raw not in ("on", "off"):
        raise ValueError("must be on or off")
    return raw == "on"


def _store_url(raw: str) -> str:
    if raw.startswith("sqlite:///") and len(raw) > len("sqlite:///"):
        return raw
    if raw.startswith("dynamodb://") and len(raw.split("?", maxsplit=1)[0]) > len("dynamodb://"):
        return raw
    raise ValueError("must be sqlite:///PATH or dynamodb://TABLE?region=REGION")


def _mailer_url(raw: str) -> str:
    if (raw.startswith("outbox:") and len(raw) > len("outbox:")) or raw == "ses" or raw.startswith("ses:"):
        return raw
    raise ValueError("must be outbox:FOLDER or ses")


def _evidence_url(raw: str) -> str:
    if (raw.startswith("folder:") and len(raw) > len("folder:")) or raw.startswith("s3://"):
        return raw
    raise ValueError("must be folder:PATH or s3://BUCKET/PREFIX")


def _einvoice_reader(raw: str) -> str:
    if raw == "inprocess" or (raw.startswith("lambda:") and len(raw) > len("lambda:")):
        return raw
    raise ValueError("must be inprocess or lambda:FUNCTION_NAME")


def _production_problems(values: Mapping[str, Any]) -> list[str]:
    problems = []
    for setting in SETTINGS:
        value = values.get(setting.field)
        if setting.required_in_production and not value:
            problems.append(f"{setting.env} is required in production")
        needed = setting.needed_in_production
        if needed and not str(value or "").startswith(needed.prefix):
            problems.append(f"{setting.env} must name {needed.what} in production, not {value!r}")
    return problems


def _euros_to_cents(raw: str) -> int:
    try:
        return cents_from_euros(Decimal(raw))
    except InvalidOperation as exc:
        raise ValueError("must be an amount in euros, such as 100 or 99.50") from exc


# A source checkout's root: where `var/` lives when ARDOISE_HOME is not set (see home_folder).
_CHECKOUT = Path(__file__).resolve().parents[2]

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "ARDOISE_ENV",
        "env",
        "local",
        "`local` or `production`; production refuses to start without its secrets (any Lambda counts as production).",
        production_default="production",
    ),
    Setting(
        "ARDOISE_HOME",
        "home",
        None,
        "Folder that every relative path of the other settings is resolved against, once, at start.",
        computed_default="the source checkout's root, else the current folder",
    ),
    Setting(
        "ARDOISE_STORE",
        "store_url",
        "sqlite:///var/ardoise.db",
        "Where data lives: `sqlite:///PATH` or `dynamodb://TABLE?region=eu-west-3`.",
        _store_url,
        needed_in_production=Needed("dynamodb://", "a DynamoDB table"),
    ),
    Setting(
        "ARDOISE_MAILER",
        "mailer_url",
        "outbox:var/outbox",
        "How e-mail leaves: `outbox:FOLDER` (one `.eml` file per message) or `ses`.",
        _mailer_url,
        needed_in_production=Needed("ses", "SES"),
    ),
    Setting(
        "ARDOISE_MAIL_FROM",
        "mail_from",
        "Ardoise <ne-pas-repondre@ardoise.localhost>",
        "Sender of every e-mail (an SES-verified identity in production).",
    ),
    Setting(
        "ARDOISE_SITE_DIR", "site_dir", "var/site", "Folder the public site is published to and served from locally."
    ),
    Setting(
        "ARDOISE_SITE_BUCKET",
        "site_bucket",
        "",
        "S3 bucket the site is published to (empty: publish to the folder).",
        required_in_production=True,
    ),
    Setting(
        "ARDOISE_REGISTRY_BUCKET",
        "registry_bucket",
        "",
        "S3 bucket whose `registry/` folder holds the SIRENE and BODACC files to import, picked up every "
        "10 minutes by the publisher stage (empty: imports only by `ardoise registry`).",
    ),
    Setting(
        "ARDOISE_SITE_BUILD_DIR",
        "site_build_dir",
        "var/site-build",
        "Working folder of the site build (MkDocs output, generated files, build state); `/tmp/...` on Lambda.",
    ),
    Setting(
        "ARDOISE_SITE_PUBLISH",
        "site_publish",
        "on",
        "`on`: the tick builds and publishes the site after its other steps; `off` leaves it to `ardoise publish`.",
        _on_off,
    ),
    Setting(
        "ARDOISE_SECRET_KEY",
        "secret_key",
        None,
        "Key signing private links and sealing stored responses.",
        required_in_production=True,
        computed_default="generated once into `var/secret_key`",
    ),
    Setting(
        "ARDOISE_BASE_URL", "base_url", "http://127.0.0.1:8000", "Public origin used in e-mails, links and the site."
    ),
    Setting(
        "ARDOISE_NOTICE_DAYS",
        "notice_days",
        "8",
        "Days that must have passed since the formal notice before a report is accepted.",
        _positive_int,
    ),
    Setting(
        "ARDOISE_GRACE_DAYS",
        "grace_days",
        "15",
        "Days the notified debtor has to pay or contest before publication.",
        _positive_int,
    ),
    Setting(
        "ARDOISE_MIN_AMOUNT",
        "min_amount_cents",
        "100",
        "Smallest outstanding amount accepted in a report, in euros.",
        _euros_to_cents,
    ),
    Setting("ARDOISE_LOG_LEVEL", "log_level", "INFO", "Level of the JSON logs written to standard error."),
    Setting(
        "ARDOISE_PLANS",
        "plans",
        "decouverte:50,pro:1000,entreprise:20000",
        "Subscriber plans and their monthly quotas of solvency summaries: `name:quota,name:quota`.",
        _plans,
    ),
    Setting(
        "ARDOISE_ECB_RATES",
        "ecb_rates",
        "",
        "Dated ECB refinancing rates for late-payment penalties, `YYYY-MM-DD:percent,...` (empty: the built-in "
        "table); the rate in force on 1 January / 1 July applies to each half-year.",
        parse_rate_table,
    ),
    Setting(
        "ARDOISE_PENALTY_POINTS",
        "penalty_points",
        "10",
        "Points added to the ECB rate for late-payment penalties.",
        _decimal,
    ),
    Setting(
        "ARDOISE_EVIDENCE",
        "evidence_url",
        "folder:var/evidence",
        "Where debtors' evidence files go: `folder:PATH` or `s3://BUCKET/PREFIX` (presigned uploads, 5 MB each).",
        _evidence_url,
        needed_in_production=Needed("s3://", "an S3 bucket"),
    ),
    Setting(
        "ARDOISE_EINVOICE_READER",
        "einvoice_reader",
        "inprocess",
        "Who reads a cited e-invoice (Factur-X, CII, UBL): `inprocess` (needs the `einvoice` extra) or "
        "`lambda:FUNCTION_NAME`, the einvoice stage invoked with the file's evidence key.",
        _einvoice_reader,
        # Zappa names a stage's function PROJECT-STAGE.
        production_default="lambda:ardoise-einvoice",
    ),
    Setting(
        "ARDOISE_LETTERS_TO",
        "letters_to",
        "courrier@ardoise.localhost",
        "Mailbox that receives the printable notice letters (PDF) to post when a debtor has no e-mail.",
    ),
    Setting(
        "ARDOISE_SMS",
        "sms_url",
        "outbox:var/sms",
        "Where the SMS steps of recovery scenarios go: `outbox:FOLDER` (one `.txt` file per message) or `off` "
        "(no SMS provider is wired yet: a case whose scenario sends an SMS is then refused).",
        production_default="off",
    ),
    Setting(
        "ARDOISE_LETTERS",
        "letters_url",
        # The demo shows the real flow: no registered-mail provider is under contract, the creditor posts.
        "creditor",
        "Who posts the letters of recovery scenarios: `creditor` (e-mailed to the creditor to print and post; no "
        "registered-mail provider is wired yet) or `outbox:FOLDER` (the provider path, locally: each letter's PDF "
        "and JSON envelope in the folder).",
        check_letters_url,
        # On a Lambda an outbox is lost at the next cold start: the creditor would be told a letter went that never did.
        needed_in_production=Needed("creditor", "`creditor` (no registered-mail provider is wired)"),
    ),
    Setting(
        "ARDOISE_REPLY_LINK_DAYS",
        "reply_link_days",
        "60",
        "Days a debtor's private reply link stays valid (each new e-mail to the debtor carries a fresh one).",
        _positive_int,
    ),
    Setting(
        "ARDOISE_WEBHOOK_ALLOW_PRIVATE",
        "webhook_allow_private",
        "on",
        "`on`: subscribers' webhooks may point to loopback or private addresses (tests, demos with a local "
        "receiver); `off`: public addresses only.",
        _on_off,
        production_default="off",
    ),
)


# The settings naming a local file or folder, and the prefix before the path in their value.
_LOCAL_PATHS = (
    ("store_url", "sqlite:///"),
    ("mailer_url", "outbox:"),
    ("evidence_url", "folder:"),
    ("sms_url", "outbox:"),
    ("letters_url", "outbox:"),
    ("site_dir", ""),
    ("site_build_dir", ""),
)


def home_folder(explicit: str | None) -> Path:
    """Return the folder relative paths are resolved against: ARDOISE_HOME, a source checkout, or here.

    Resolved once, so that a command run from another folder uses the same
    store instead of silently creating an empty one there.
    """
    if explicit:
        return Path(explicit).expanduser().resolve()
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "functions").is_dir():
        return _CHECKOUT
    return Path.cwd().resolve()


def _anchored(values: dict[str, Any], home: Path) -> None:
    """Make every local path absolute, relative ones taken from ``home``."""
    for name, prefix in _LOCAL_PATHS:
        value = values.get(name)
        if isinstance(value, str) and value.startswith(prefix):
            path = Path(value.removeprefix(prefix)).expanduser()
            values[name] = prefix + str(path if path.is_absolute() else home / path)


@dataclass(frozen=True)
class Settings:
    """The whole configuration of one process, immutable once read (defaults live in ``SETTINGS`` only)."""

    env: str
    home: str
    store_url: str
    mailer_url: str
    mail_from: str
    site_dir: str
    site_bucket: str
    registry_bucket: str
    site_build_dir: str
    site_publish: bool
    secret_key: str
    base_url: str
    notice_days: int
    grace_days: int
    min_amount_cents: int
    log_level: str
    plans: tuple[tuple[str, int], ...]
    ecb_rates: tuple[RateChange, ...]
    penalty_points: Decimal
    evidence_url: str
    einvoice_reader: str
    letters_to: str
    sms_url: str
    letters_url: str
    reply_link_days: int
    webhook_allow_private: bool

    @property
    def var_dir(self) -> Path:
        """The local working folder (`var/` under ARDOISE_HOME): generated secret, demo tokens."""
        return Path(self.home) / "var"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed (tests and the CLI use it)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def is_production(environ: Mapping[str, str]) -> bool:
    """Say whether these variables describe production (``ARDOISE_ENV=production``, or any Lambda)."""
    return environ.get("ARDOISE_ENV") == "production" or "AWS_LAMBDA_FUNCTION_NAME" in environ


def _local_secret(var_dir: Path) -> str:
    """Read the local secret, generating it on first use so links survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


def default_of(setting: Setting, *, production: bool) -> str | None:
    """The value a setting takes when its variable is unset or empty (None: computed at start, or required)."""
    if production and setting.production_default is not None:
        return setting.production_default
    return setting.default


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read every setting from the environment, validating each one."""
    environ = os.environ if environ is None else environ
    production = is_production(environ)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for setting in SETTINGS:
        raw = environ.get(setting.env) or default_of(setting, production=production)
        if raw is None:
            continue  # computed below (home, secret key), or missing in production
        try:
            values[setting.field] = setting.parse(raw)
        except ValueError as exc:
            problems.append(f"{setting.env}={raw!r}: {exc}")
    if production:
        values["env"] = "production"  # a Lambda is production whatever ARDOISE_ENV says
        problems += _production_problems(values)
    if problems:
        raise ConfigurationError("; ".join(problems))
    home = home_folder(values.get("home"))
    values["home"] = str(home)
    _anchored(values, home)
    if "secret_key" not in values:
        values["secret_key"] = _local_secret(home / "var")
    return Settings(**values)
