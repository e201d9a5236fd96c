"""The payment charter: its versioned texts, a signature and its public status.

The texts live in the repository (``functions/charter/texts/<version>.md``,
front matter + Markdown) so that every version stays readable and ships in
the Lambda package. A version takes effect on its date: the current version is
the latest one whose date has come, so a new text can be committed ahead of
time. Signatures of an older version are ``outdated`` until re-signed.

Pure: no Flask, no boto3; every rule that depends on time takes ``now`` or
``today``. Reading the shipped texts is the only I/O, done once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from slugify import slugify

from functions.core.clock import PARIS

TEXTS_DIR = Path(__file__).resolve().parents[2] / "charter" / "texts"
MIN_COMMITMENTS, MAX_COMMITMENTS = 8, 10
# How long an e-mailed link (signature or withdrawal) stays usable.
LINK_VALIDITY = timedelta(hours=48)
# A second request for the same company within this delay is refused: it would
# only flood the inbox of whoever owns the address typed in.
REQUEST_COOLDOWN = timedelta(minutes=5)
# How long a verified request waits for a moderator before it (and its personal data) goes.
CLAIM_VALIDITY = timedelta(days=30)

_VERSION = re.compile(r"^\d{4}-\d{2}$")
_COMMITMENT = re.compile(r"^###\s+(\d+)\.\s+(.+?)\s*$")


class CharterTextError(ValueError):
    """A charter text in the repository is malformed (caught by the tests, never at run time)."""


@dataclass(frozen=True)
class Commitment:
    """One numbered commitment of the charter."""

    number: int
    title: str
    text: str


@dataclass(frozen=True)
class CharterVersion:
    """One version of the charter, as written in its Markdown file."""

    version: str
    effective_on: date
    title: str
    preamble: str
    commitments: tuple[Commitment, ...]
    closing: str
    markdown: str

    @property
    def effective_at(self) -> datetime:
        """Midnight in Paris on the day this version takes effect."""
        return datetime.combine(self.effective_on, time(0), PARIS)


@dataclass(frozen=True)
class CharterCatalog:
    """Every version of the charter, oldest first."""

    versions: tuple[CharterVersion, ...]

    def __post_init__(self) -> None:
        if not self.versions:
            raise CharterTextError("the charter needs at least one version")
        for older, newer in zip(self.versions, self.versions[1:], strict=False):
            # Version labels sort like their dates: the store relies on it.
            if not (older.effective_on < newer.effective_on and older.version < newer.version):
                raise CharterTextError(f"versions out of order: {older.version} then {newer.version}")

    def get(self, version: str) -> CharterVersion | None:
        return next((v for v in self.versions if v.version == version), None)

    def published(self, today: date) -> list[CharterVersion]:
        """Return the versions in force now or before, newest first (future ones stay hidden)."""
        return [v for v in reversed(self.versions) if v.effective_on <= today]

    def current(self, today: date) -> CharterVersion:
        """Return the version in force on ``today`` (the first one before any took effect)."""
        published = self.published(today)
        return published[0] if published else self.versions[0]

    def older_than(self, version: str) -> list[CharterVersion]:
        """Return the versions before ``version``, newest first."""
        return [v for v in reversed(self.versions) if v.version < version]

    def superseded_on(self, version: str, today: date) -> date | None:
        """Return the day a newer version replaced ``version``, or None while it is current."""
        newer = [v for v in self.versions if v.version > version and v.effective_on <= today]
        return newer[0].effective_on if newer else None


def _front_matter(text: str, source: str) -> tuple[dict[str, str], str]:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise CharterTextError(f"{source}: front matter (--- ... ---) missing")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    meta = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise CharterTextError(f"{source}: front matter line without a colon: {line!r}")
        meta[key.strip()] = value.strip()
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def _paragraphs(lines: list[str]) -> str:
    """Join wrapped lines into paragraphs separated by blank lines."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return "\n\n".join(paragraphs)


def parse_charter(text: str, source: str = "charter") -> CharterVersion:
    """Read one version from its Markdown source; raise CharterTextError when malformed."""
    meta, body = _front_matter(text, source)
    version = meta.get("version", "")
    if not _VERSION.match(version):
        raise CharterTextError(f"{source}: version must look like 2026-09, got {version!r}")
    try:
        effective_on = date.fromisoformat(meta.get("date", ""))
    except ValueError as exc:
        raise CharterTextError(f"{source}: date must be YYYY-MM-DD") from exc
    preamble: list[str] = []
    closing: list[str] = []
    found: list[tuple[int, str, list[str]]] = []
    section = "preamble"
    for line in body.splitlines():
        heading = _COMMITMENT.match(line)
        if heading:
            section = "commitment"
            found.append((int(heading.group(1)), heading.group(2), []))
        elif line.startswith("## "):
            section = "closing" if found else "heading"
            if section == "closing":
                closing.append(line)
        elif section == "preamble":
            preamble.append(line)
        elif section == "commitment":
            found[-1][2].append(line)
        elif section == "closing":
            closing.append(line)
    commitments = tuple(Commitment(n, title, _paragraphs(lines)) for n, title, lines in found)
    _check_commitments(commitments, source)
    return CharterVersion(
        version=version,
        effective_on=effective_on,
        title=meta.get("title") or "Charte des délais de paiement",
        preamble=_paragraphs(preamble),
        commitments=commitments,
        closing="\n".join(closing).strip(),
        markdown=body,
    )


def _check_commitments(commitments: tuple[Commitment, ...], source: str) -> None:
    if not MIN_COMMITMENTS <= len(commitments) <= MAX_COMMITMENTS:
        raise CharterTextError(
            f"{source}: {len(commitments)} commitments, expected {MIN_COMMITMENTS} to {MAX_COMMITMENTS}"
        )
    if [c.number for c in commitments] != list(range(1, len(commitments) + 1)):
        raise CharterTextError(f"{source}: commitments must be numbered 1, 2, 3... in order")
    empty = [c.number for c in commitments if not c.text]
    if empty:
        raise CharterTextError(f"{source}: commitments without text: {empty}")


def load_catalog(folder: Path = TEXTS_DIR) -> CharterCatalog:
    """Read every ``*.md`` version in ``folder``."""
    versions = [parse_charter(path.read_text(encoding="utf-8"), path.name) for path in sorted(folder.glob("*.md"))]
    for path, parsed in zip(sorted(folder.glob("*.md")), versions, strict=True):
        if path.stem != parsed.version:
            raise CharterTextError(f"{path.name}: file name must be the version ({parsed.version}.md)")
    return CharterCatalog(tuple(sorted(versions, key=lambda v: v.effective_on)))


@lru_cache(maxsize=1)
def load_charter() -> CharterCatalog:
    """Return the charter versions shipped with the code (read once per process)."""
    return load_catalog()


# -- signatures -----------------------------------------------------------------


class Standing(StrEnum):
    """What the store records about a signature (``outdated`` is derived, never stored)."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"


class SignatureStatus(StrEnum):
    """What the public register shows."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    OUTDATED = "outdated"


class LinkPurpose(StrEnum):
    """What an e-mailed link completes."""

    SIGN = "sign"
    WITHDRAW = "withdraw"


# How summaries, alerts and their pages name a company's charter status ("none": never signed).
CHARTER_STATUS_LABELS = {
    "active": "Signataire de la charte",
    "suspended": "Signataire suspendu (impayé publié)",
    "withdrawn": "Signature retirée",
    "outdated": "Signataire d'une version antérieure de la charte",
    "none": "Non signataire",
}

SUSPENSION_REASON = "unpaid_report_published"
SUSPENSION_REASON_FR = "Au moins un signalement d'impayé est publié dans l'annuaire Ardoise."


@dataclass(frozen=True)
class PastSignature:
    """A signature replaced by a newer one, or withdrawn and signed again."""

    charter_version: str
    signed_at: datetime
    ended_at: datetime


@dataclass(frozen=True)
class SignatureRequest:
    """What a representative submits; becomes a signature once the e-mail is verified."""

    siren: str
    company_name: str
    representative_name: str
    representative_role: str
    email: str
    charter_version: str
    # Who proved the requester's link to the company ("member:<id>", "moderator:<id>"); None: not proven.
    proven_by: str | None = None


@dataclass(frozen=True)
class Link:
    """An e-mailed link: what it completes, for which company, until when (single use)."""

    purpose: LinkPurpose
    siren: str
    created_at: datetime
    expires_at: datetime
    request: SignatureRequest | None = None
    revision: int = 0


@dataclass(frozen=True)
class Claim:
    """A request whose e-mail address is verified but whose right to sign is not proven yet.

    Shown nowhere (register, site, API, badge): it waits for a moderator, who
    compares the registry's identity with what was typed. ``id`` names the
    requester's mailbox (a digest), so that one company may have several
    claims and a stranger's cannot replace the real company's.
    """

    id: str
    request: SignatureRequest
    verified_at: datetime
    expires_at: datetime
    revision: int = 0


@dataclass(frozen=True)
class Signature:
    """A company's verified signature and where it stands.

    ``email`` and the representative's name are private: the register shows the
    company, the version, the dates and the status only.
    """

    siren: str
    company_name: str
    representative_name: str
    representative_role: str
    email: str
    charter_version: str
    signed_at: datetime
    standing: Standing = Standing.ACTIVE
    standing_since: datetime | None = None
    history: tuple[PastSignature, ...] = field(default_factory=tuple)
    revision: int = 0

    @property
    def since(self) -> datetime:
        return self.standing_since or self.signed_at


@dataclass(frozen=True)
class PublicStatus:
    """A signature's status as the register shows it, since when, and why."""

    status: SignatureStatus
    since: datetime
    reason: str | None = None
    reason_text: str | None = None


def public_status(signature: Signature, catalog: CharterCatalog, today: date) -> PublicStatus:
    """Withdrawn beats suspended, which beats outdated: the most serious fact shows."""
    if signature.standing is Standing.WITHDRAWN:
        return PublicStatus(SignatureStatus.WITHDRAWN, signature.since)
    if signature.standing is Standing.SUSPENDED:
        return PublicStatus(SignatureStatus.SUSPENDED, signature.since, SUSPENSION_REASON, SUSPENSION_REASON_FR)
    superseded = catalog.superseded_on(signature.charter_version, today)
    if superseded is not None:
        return PublicStatus(SignatureStatus.OUTDATED, datetime.combine(superseded, time(0), PARIS).astimezone(UTC))
    return PublicStatus(SignatureStatus.ACTIVE, signature.since)


class SigningOutcome(StrEnum):
    """What verifying a signature request did."""

    SIGNED = "signed"  # first signature, or again after a withdrawal
    RENEWED = "renewed"  # a newer version supersedes the one signed before
    UNCHANGED = "unchanged"  # this version was already signed: nothing to do
    REASSIGNED = "reassigned"  # a proven representative of the company replaces the signature's contact
    PENDING = "pending"  # the address is verified, the right to sign is not: nothing public yet


def may_sign(existing: Signature | None, request: SignatureRequest) -> bool:
    """Whether a verified request may change the register without a moderator.

    Proven requests (an approved member of the SIREN, a moderator) may; so may
    the address of the company's existing signature, proven when it was signed.
    Anyone else only records a claim: typing a SIREN proves nothing.
    """
    if request.proven_by is not None:
        return True
    return existing is not None and same_mailbox(existing.email, request.email)


def same_mailbox(first: str, second: str) -> bool:
    """Compare two addresses as mailboxes (case of the domain and local part ignored)."""
    return first.strip().casefold() == second.strip().casefold()


def apply_signing(
    existing: Signature | None, request: SignatureRequest, now: datetime, open_reports: int
) -> tuple[Signature, SigningOutcome]:
    """Return the signature after a verified request, and what changed."""
    if existing is not None and existing.standing is not Standing.WITHDRAWN:
        if existing.charter_version >= request.charter_version:
            if request.proven_by is None or same_mailbox(existing.email, request.email):
                return existing, SigningOutcome.UNCHANGED
            # The company proved its right: its representative replaces whoever signed before.
            reassigned = replace(
                existing,
                company_name=request.company_name,
                representative_name=request.representative_name,
                representative_role=request.representative_role,
                email=request.email,
            )
            return reassigned, SigningOutcome.REASSIGNED
        past = PastSignature(existing.charter_version, existing.signed_at, now)
        renewed = replace(
            existing,
            company_name=request.company_name,
            representative_name=request.representative_name,
            representative_role=request.representative_role,
            email=request.email,
            charter_version=request.charter_version,
            signed_at=now,
            history=(*existing.history, past),
        )
        return renewed, SigningOutcome.RENEWED
    history: tuple[PastSignature, ...] = ()
    if existing is not None:
        history = (*existing.history, PastSignature(existing.charter_version, existing.signed_at, existing.since))
    standing = Standing.SUSPENDED if open_reports > 0 else Standing.ACTIVE
    signature = Signature(
        siren=request.siren,
        company_name=request.company_name,
        representative_name=request.representative_name,
        representative_role=request.representative_role,
        email=request.email,
        charter_version=request.charter_version,
        signed_at=now,
        standing=standing,
        standing_since=now,
        history=history,
        revision=existing.revision if existing else 0,
    )
    return signature, SigningOutcome.SIGNED


def apply_report_count(signature: Signature, open_reports: int, now: datetime) -> Signature | None:
    """Suspend while published unpaid reports exist, reinstate when none remain; None: no change."""
    if signature.standing is Standing.ACTIVE and open_reports > 0:
        return replace(signature, standing=Standing.SUSPENDED, standing_since=now)
    if signature.standing is Standing.SUSPENDED and open_reports == 0:
        return replace(signature, standing=Standing.ACTIVE, standing_since=now)
    return None


def apply_withdrawal(signature: Signature, now: datetime) -> Signature | None:
    """Withdraw a signature; None when it was already withdrawn."""
    if signature.standing is Standing.WITHDRAWN:
        return None
    return replace(signature, standing=Standing.WITHDRAWN, standing_since=now)


def company_page_path(siren: str, name: str) -> str:
    """Return the public site's path of a company page: ``/entreprises/<siren>-<slug>/``."""
    slug = slugify(name, max_length=80, word_boundary=True)
    return f"/entreprises/{siren}-{slug}/" if slug else f"/entreprises/{siren}/"
