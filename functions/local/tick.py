"""Every stage's tick in one process, as ``ardoise tick`` and the tests run it: the directory's steps, then the site.

In production each stage runs its own steps (``functions/<stage>/jobs.py``);
locally one process plays them all, the site last so that it shows what the
steps before it changed.
"""

from __future__ import annotations

from typing import Any

from functions.core.resources import Resources
from functions.core.usecases.tick import TickSteps, run_tick
from functions.directory import jobs as directory_jobs
from functions.publisher import jobs as publisher_jobs


def tick_steps() -> TickSteps:
    """Return every stage's tick steps in the order one process runs them."""
    return [*directory_jobs.tick_steps(), *publisher_jobs.tick_steps()]


def run_local_tick(res: Resources) -> dict[str, Any]:
    """Run every stage's steps once (see :func:`run_tick`)."""
    return run_tick(res, tick_steps())
