"""The local platform: the three Flask apps mounted beside the static site."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from functions.core.context import Services
from functions.local.static import StaticSite

MOUNTS = {"directory": "/api/directory", "charter": "/api/charter", "reports": "/api/reports"}


def build_local_app(ctx: Services) -> Any:
    """Return one WSGI app: the site at ``/`` and each function under its base path."""
    from functions.charter.app import create_app as charter_app
    from functions.directory.app import create_app as directory_app
    from functions.reports.app import create_app as reports_app

    shared = {"settings": ctx.settings, "store": ctx.store, "mailer": ctx.mailer, "clock": ctx.clock}
    apps: dict[str, Any] = {
        MOUNTS["directory"]: directory_app(**shared),
        MOUNTS["charter"]: charter_app(**shared),
        MOUNTS["reports"]: reports_app(**shared),
    }
    return DispatcherMiddleware(StaticSite(ctx.settings.site_dir), apps)


def build_site(ctx: Services, echo: Callable[[str], Any] = print) -> Path:
    """Build the public site into the site folder with MkDocs."""
    target = Path(ctx.settings.site_dir)
    echo(f"building the site into {target} ...")
    subprocess.run(  # noqa: S603 - fixed argv: this interpreter running mkdocs
        [sys.executable, "-m", "mkdocs", "build", "--quiet", "--clean", "--site-dir", str(target.resolve())],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return target


def prepare_site(ctx: Services, echo: Callable[[str], Any] = print) -> None:
    """Build the site so that ``/`` answers."""
    build_site(ctx, echo)
