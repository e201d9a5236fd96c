"""The item port both backends implement: keyed JSON items, queries, transactions.

Domain repositories (``store/*.py``) are written once against this port, so the
SQLite and DynamoDB stores cannot drift apart: the contract tests exercise the
same repository code on both. The layout mirrors a DynamoDB single table:
partition key ``pk``, sort key ``sk``, two optional secondary keys (``gsi1`` is
for time-driven work, ``gsi2`` for look-ups such as name prefixes), an
optimistic ``version`` and an optional expiry in epoch seconds.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import wraps
from typing import Any, Literal, ParamSpec, Protocol, TypeVar

Index = Literal["gsi1", "gsi2"]

# Largest number of writes one transaction may carry (DynamoDB's limit).
MAX_TRANSACTION_WRITES = 100


class StoreError(RuntimeError):
    """Base of the errors a backend raises."""


class ConditionFailed(StoreError):
    """A conditional write lost: the item changed (or appeared) meanwhile."""


class StoreUnavailable(StoreError):
    """The store could not serve the call now (throttled, unavailable, busy past its timeout).

    Nothing says the call was applied, nor that it was not: the caller may try
    again later (the HTTP edge answers 503 with ``Retry-After``).
    """


P = ParamSpec("P")
R = TypeVar("R")


def unavailable_when(test: Callable[[Exception], bool]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a backend method so that the engine errors ``test`` recognises become StoreUnavailable."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except StoreError:
                raise
            except Exception as exc:
                if test(exc):
                    raise StoreUnavailable(f"{type(exc).__name__}: {exc}") from exc
                raise

        return guarded

    return decorate


class InvalidCursor(StoreError, ValueError):
    """A paging cursor that this store did not make (edited, truncated or forged)."""


class LimitReached(StoreError):
    """An increment would have gone past its limit; nothing was counted."""


@dataclass(frozen=True, slots=True)
class Item:
    """One stored record: keys, JSON data and bookkeeping attributes."""

    pk: str
    sk: str
    data: Mapping[str, Any]
    version: int = 1
    gsi1pk: str | None = None
    gsi1sk: str | None = None
    gsi2pk: str | None = None
    gsi2sk: str | None = None
    expires_at: int | None = None

    def bumped(self, data: Mapping[str, Any], **keys: str | int | None) -> Item:
        """Return the next version of this item with new data (and, optionally, new keys)."""
        return replace(self, data=data, version=self.version + 1, **keys)  # type: ignore[arg-type]  # keys are Item's own optional fields


@dataclass(frozen=True, slots=True)
class Put:
    """Write an item; ``expected_version`` None means "must not exist yet"."""

    item: Item
    expected_version: int | None = None
    unconditional: bool = False


@dataclass(frozen=True, slots=True)
class Delete:
    """Delete an item, only if it still has ``expected_version`` (unless unconditional)."""

    pk: str
    sk: str
    expected_version: int | None = None
    unconditional: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    """Fail the transaction unless the item still has ``expected_version`` (None: absent)."""

    pk: str
    sk: str
    expected_version: int | None


Write = Put | Delete | Check
# Whether new data should replace the stored data (None: nothing stored yet).
Replaces = Callable[[Mapping[str, Any] | None, Mapping[str, Any]], bool]

# The one JSON text of an item's data on both backends (compact, UTF-8 kept), built once: ``json.dumps``
# with arguments builds a new encoder at every call, which bulk writes pay for each item.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class EncodedData(Mapping[str, Any]):
    """An item's data given as its JSON text (the codec's bulk path, ``codec.encoded``), decoded only if read.

    A bulk import writes most items without reading them: their text goes to
    the backend as it is, and compares with the stored text as it is.
    """

    __slots__ = ("_data", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._data: dict[str, Any] | None = None

    def _decoded(self) -> dict[str, Any]:
        if self._data is None:
            self._data = json.loads(self.text)
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._decoded()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __len__(self) -> int:
        return len(self._decoded())


def encode_data(data: Mapping[str, Any]) -> str:
    """The JSON text an item's data is stored as."""
    return data.text if isinstance(data, EncodedData) else _encode(data)


def write_key(write: Write) -> tuple[str, str]:
    """Return the (pk, sk) a write touches."""
    return (write.item.pk, write.item.sk) if isinstance(write, Put) else (write.pk, write.sk)


def check_transaction(writes: Sequence[Write]) -> None:
    """Refuse what DynamoDB refuses, on every backend: too many writes, one item twice.

    SQLite would accept both; checking here keeps code that passes on the
    embedded store from failing in production.
    """
    if len(writes) > MAX_TRANSACTION_WRITES:
        raise StoreError(f"a transaction carries at most {MAX_TRANSACTION_WRITES} writes, not {len(writes)}")
    keys = [write_key(write) for write in writes]
    if len(set(keys)) != len(keys):
        repeated = sorted({key for key in keys if keys.count(key) > 1})
        raise StoreError(f"a transaction touches each item once at most: {repeated}")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a query and the opaque cursor of the next (None at the end)."""

    items: list[Item] = field(default_factory=list)
    cursor: str | None = None


# Upper bound for "starts with": both engines compare strings by their UTF-8 bytes.
_HIGHEST = "\U0010ffff"


def key_bounds(sk_prefix: str, sk_from: str | None, sk_to: str | None) -> tuple[str | None, str | None]:
    """Fold a prefix and an inclusive range into one inclusive (low, high) range."""
    low, high = sk_from, sk_to
    if sk_prefix:
        low = sk_prefix if low is None else max(low, sk_prefix)
        upper = sk_prefix + _HIGHEST
        high = upper if high is None else min(high, upper)
    return low, high


def encode_cursor(key: Mapping[str, Any]) -> str:
    """Turn a backend's last-evaluated key into an opaque URL-safe cursor."""
    raw = json.dumps(key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict[str, Any]:
    """Read a cursor made by :func:`encode_cursor`; raise :class:`InvalidCursor` when forged."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("invalid cursor") from exc
    if not isinstance(key, dict) or not all(isinstance(v, str) for v in key.values()):
        raise InvalidCursor("invalid cursor")
    return key


class ItemBackend(Protocol):
    """What a storage engine must offer; see ``sqlite.py`` and ``dynamodb.py``."""

    def create_schema(self) -> None:
        """Create (or migrate) the table and its indexes; idempotent."""

    def get(self, pk: str, sk: str) -> Item | None:
        """Return one item, strongly consistent, or None."""

    def get_many(self, keys: Sequence[tuple[str, str]]) -> list[Item]:
        """Return the items that exist among ``keys`` (order not kept)."""

    def query(
        self,
        pk: str,
        *,
        index: Index | None = None,
        sk_prefix: str = "",
        sk_from: str | None = None,
        sk_to: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        descending: bool = False,
    ) -> Page:
        """Return items of one partition in sort-key order, optionally bounded and paged."""

    def transact(self, writes: Sequence[Write]) -> None:
        """Apply every write or none; raise :class:`ConditionFailed` on a lost condition."""

    def put_newer(self, items: Sequence[Item], replaces: Replaces) -> list[Item]:
        """Write each item unless ``replaces(stored, new)`` says the stored data stays; return those written.

        An item whose data is the same as the stored one's is never rewritten
        (nor is ``replaces`` asked).

        The bulk path of imports of public data (the registry): many items per
        call, no audit event, each item's version one more than the stored one.
        Not one transaction: an interrupted call leaves some written, which a
        new call with the same items completes (it writes nothing twice).
        """

    def increment(self, pk: str, sk: str, amount: int = 1, *, limit: int | None = None) -> int:
        """Add to a counter atomically and return its new value; respect ``limit``."""

    def get_counter(self, pk: str, sk: str) -> int:
        """Return a counter's value (0 when never incremented)."""

    def scan_partitions(self, prefix: str) -> list[str]:
        """Return every distinct ``pk`` starting with ``prefix`` (maintenance jobs only)."""

    def scan(self, kinds: Sequence[tuple[str, str]], *, segment: int = 0, segments: int = 1) -> Iterator[Item]:
        """Yield the items of one segment of the table whose keys start with one of ``kinds`` (pk, sk prefixes).

        The whole table is read (a full rebuild of the site only): ``segments`` callers, one per
        ``segment`` in ``range(segments)``, read it in parallel and together see each item once.
        """
