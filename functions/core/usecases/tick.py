"""The tick's runner: time-driven work, every 15 minutes (Zappa event) or by ``ardoise tick``.

Each stage lists its own steps in its ``jobs.py`` (the directory: its queues,
retention and derived data; the publisher: the site); locally ``ardoise tick``
runs every stage's steps in one process (``functions/local/tick.py``).

Each step is idempotent and safe to run twice at once: steps claim their work
with conditional writes, so two ticks never apply the same transition twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from functions.core.logs import get_logger
from functions.core.resources import Resources

TickStep = Callable[[Resources], Any]
TickSteps = Sequence[tuple[str, TickStep]]

log = get_logger("tick")


class TickFailed(RuntimeError):
    """One or more steps failed; the others ran. Carries every step's result."""

    def __init__(self, results: dict[str, Any]) -> None:
        failed = [name for name, result in results.items() if isinstance(result, dict) and "error" in result]
        super().__init__(f"tick steps failed: {', '.join(failed)}")
        self.results = results


def run_tick(res: Resources, steps: TickSteps) -> dict[str, Any]:
    """Run every step once, in order, and return what each one did; raise TickFailed after all ran if one failed.

    A failing step does not stop the others: publication must not wait for a
    webhook that times out. Steps are idempotent, so the next tick retries.
    """
    results: dict[str, Any] = {}
    failed = False
    for name, step in steps:
        try:
            results[name] = step(res)
        except Exception as exc:
            log.exception("tick step failed", extra={"step": name})
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
            failed = True
            continue
        log.info("tick step done", extra={"step": name, "result": results[name]})
    if failed:
        raise TickFailed(results)
    return results
