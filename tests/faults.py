"""A backend wrapper that injects store faults, for tests on both stores.

``FaultyBackend`` wraps any :class:`ItemBackend` and fails chosen calls in one
of two ways:

- ``before``: the call raises and changes nothing (the store refused it: a
  throttled request, a locked database);
- ``after``: the call is applied, then raises (the change is committed but its
  answer is lost: a timeout after DynamoDB applied the transaction).

A fault names the method (``transact``, ``get``, ``query``, ``increment``...),
optionally a predicate on the call's arguments, and which matching calls fail
(``calls={1, 3}`` counts from 1; ``None`` fails every matching call).

    faulty = FaultyBackend(backend)
    faulty.fail("transact", when="after", calls={1})
    store = Store(faulty, clock)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from functions.core.store.items import ItemBackend

When = Literal["before", "after"]


class InjectedFault(RuntimeError):
    """The default error a fault raises (an unexpected store failure)."""


@dataclass
class Fault:
    method: str
    when: When
    calls: set[int] | None
    error: Callable[[], BaseException]
    matches: Callable[..., bool]
    seen: int = 0
    fired: int = 0


@dataclass
class FaultyBackend:
    """Delegate to ``inner``, failing the calls the registered faults select."""

    inner: ItemBackend
    faults: list[Fault] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def fail(
        self,
        method: str,
        *,
        when: When = "before",
        calls: Iterable[int] | None = (1,),
        error: Callable[[], BaseException] = lambda: InjectedFault("injected store fault"),
        matches: Callable[..., bool] = lambda *args, **kwargs: True,
    ) -> Fault:
        """Register a fault; return it (``fault.fired`` counts how often it struck)."""
        fault = Fault(method, when, None if calls is None else set(calls), error, matches)
        self.faults.append(fault)
        return fault

    def clear(self) -> None:
        self.faults.clear()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.inner, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            striking = self._striking(name, args, kwargs)
            if striking is not None and striking.when == "before":
                striking.fired += 1
                raise striking.error()
            result = attribute(*args, **kwargs)
            if striking is not None:
                striking.fired += 1
                raise striking.error()
            return result

        return call

    def _striking(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Fault | None:
        for fault in self.faults:
            if fault.method != name or not fault.matches(*args, **kwargs):
                continue
            fault.seen += 1
            if fault.calls is None or fault.seen in fault.calls:
                return fault
        return None


def writes_touching(prefix: str) -> Callable[..., bool]:
    """A ``matches`` predicate for ``transact``: some write's partition key starts with ``prefix``."""

    def matches(writes: Any, *args: Any, **kwargs: Any) -> bool:
        for write in writes:
            pk = write.item.pk if hasattr(write, "item") else write.pk
            if pk.startswith(prefix):
                return True
        return False

    return matches
