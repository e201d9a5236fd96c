"""The one codec between the domain's types and the JSON data of stored items.

A domain value (a frozen dataclass, nested ones included) becomes JSON-ready
data through a pydantic ``TypeAdapter`` of its type, and back: dates and
moments as ISO 8601 text, enums as their values, tuples as lists. Each type's
adapter is built on first use and cached, so importing the store costs nothing.

The item's optimistic version is not data: a type's ``version`` or
``revision`` field is left out when writing and taken from the item when
reading. Nor is what a repository joins in from other items when it reads
(``_JOINED``: a company identity's head office is its own item, a judgment's
cancellation too): left out when writing, its default when read alone.

Older stored shapes still read: a type whose stored form changed has an
upgrade below (``_UPGRADES``), a validator that turns the stored data into the
current shape before it is read, so no repository carries a special case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, TypeAdapter

from functions.core.domain.members import Member, MemberStatus
from functions.core.domain.recovery import RecoveryCase
from functions.core.domain.registry import CompanyIdentity, Judgment
from functions.core.domain.replies import ReplyLink
from functions.core.domain.reports import Report
from functions.core.store.items import EncodedData, Item

T = TypeVar("T")
Upgrade = Callable[[dict[str, Any]], dict[str, Any]]

# The names a domain type gives the version of the item that holds it.
_ITEM_VERSIONS = ("version", "revision")


# Built on first use: a type's adapter costs milliseconds, which a cold start should not pay for every type.
_adapters: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[T]) -> TypeAdapter[T]:
    adapter = _adapters.get(kind)
    if adapter is None:
        upgrade = _UPGRADES.get(kind)
        shape: Any = kind if upgrade is None else Annotated[kind, BeforeValidator(lambda data: upgrade(dict(data)))]
        adapter = _adapters[kind] = TypeAdapter(shape)
    return adapter


# The fields of a type that its own item does not hold: a repository joins them in from other items.
_JOINED: dict[type[Any], frozenset[str]] = {
    CompanyIdentity: frozenset({"head_office"}),  # the establishment's item (``SEAT``)
    Judgment: frozenset({"cancelled"}),  # a cancelling notice's item (``CANCEL#``)
}
_versions: dict[type[Any], str | None] = {}
_left_out: dict[type[Any], set[str] | None] = {}


def _version_field(kind: type[Any]) -> str | None:
    if kind not in _versions:
        names = {f.name for f in fields(kind)}
        _versions[kind] = next((name for name in _ITEM_VERSIONS if name in names), None)
    return _versions[kind]


def _not_data(kind: type[Any]) -> set[str] | None:
    """The fields of ``kind`` left out of its item's data (None: none)."""
    if kind not in _left_out:
        version = _version_field(kind)
        _left_out[kind] = set(_JOINED.get(kind, ())) | ({version} if version else set()) or None
    return _left_out[kind]


def to_data(value: Any) -> dict[str, Any]:
    """Return the JSON-ready data of a domain value (its item version and joined fields left out)."""
    kind = type(value)
    data: dict[str, Any] = _adapter(kind).dump_python(value, mode="json", exclude=_not_data(kind))
    return data


def encoded(value: Any) -> EncodedData:
    """The same data as ``to_data``, encoded to its JSON text in one pass: for bulk writes (imports)."""
    kind = type(value)
    return EncodedData(_adapter(kind).dump_json(value, exclude=_not_data(kind)).decode())


def from_data(kind: type[T], data: Mapping[str, Any], version: int = 0) -> T:
    """Rebuild a ``kind`` from stored data, upgraded from an older shape if need be, at item ``version``."""
    field = _version_field(kind)
    value: T = _adapter(kind).validate_python({**data, field: version} if field else data)
    return value


def from_item(kind: type[T], item: Item) -> T:
    """Rebuild the ``kind`` an item holds, with the item's version."""
    return from_data(kind, item.data, item.version)


# -- older shapes ----------------------------------------------------------------
def _member_before_approval(data: dict[str, Any]) -> dict[str, Any]:
    """Members stored before a moderator approved them (no ``decided_at``) are mapped conservatively.

    Then, ``pending`` meant "e-mail not verified" and ``active`` meant verified
    but never checked by a moderator: such members must be approved now.
    """
    if "decided_at" not in data:
        if data.get("status") == MemberStatus.PENDING and data.get("verified_at") is None:
            data["status"] = MemberStatus.UNVERIFIED
        elif data.get("status") == MemberStatus.ACTIVE:
            data["status"] = MemberStatus.PENDING
    return data


def legacy_public_ref(report_id: str) -> str:
    """The public reference of a report stored before it had one: a one-way digest of its id."""
    return "pub_" + hashlib.sha256(f"public-reference:{report_id}".encode()).hexdigest()[:16]


def _report_before_public_references(data: dict[str, Any]) -> dict[str, Any]:
    """Reports stored before public references get a stable one, which does not reveal their id."""
    if not data.get("public_ref"):
        data["public_ref"] = legacy_public_ref(data["id"])
    return data


def _reply_link_in_epoch_seconds(data: dict[str, Any]) -> dict[str, Any]:
    """Reply links were first stored with their expiry in epoch seconds (``expires``)."""
    if "expires_at" not in data and "expires" in data:
        data["expires_at"] = datetime.fromtimestamp(data["expires"], UTC)
    return data


def _case_before_penalty_bases(data: dict[str, Any]) -> dict[str, Any]:
    """Court requests kept before payments split the penalty periods ran each period on one balance.

    That balance was the request's ``principal_cents`` (what was owed when it was prepared): each stored
    period gets it as its ``base_cents``.
    """
    for event in data.get("events") or ():
        request = event.get("court_request") if isinstance(event, dict) else None
        if not isinstance(request, dict) or not isinstance(request.get("penalties"), dict):
            continue
        penalties = request["penalties"]
        for period in penalties.get("periods") or ():
            if isinstance(period, dict):
                period.setdefault("base_cents", penalties.get("principal_cents", request.get("principal_cents")))
    return data


_UPGRADES: dict[type[Any], Upgrade] = {
    Member: _member_before_approval,
    RecoveryCase: _case_before_penalty_bases,
    ReplyLink: _reply_link_in_epoch_seconds,
    Report: _report_before_public_references,
}
