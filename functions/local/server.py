"""The local platform: the three Flask apps mounted beside the static site."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from functions.core.mounts import API_MOUNTS as MOUNTS
from functions.core.mounts import SPACE_MOUNTS
from functions.core.resources import Resources
from functions.local.static import StaticSite

# Seconds of quiet after the last API write before the site is rebuilt and republished.
REPUBLISH_DELAY = 1.0


def build_local_app(res: Resources, on_change: Callable[[], None] | None = None) -> Any:
    """Return one WSGI app: the site at ``/`` and each function under its base path.

    ``on_change`` is called after each write request to an API (``serve`` passes
    its debounced site publisher).
    """
    from functions.charter.app import create_app as charter_app
    from functions.directory.app import create_app as directory_app
    from functions.reports.app import create_app as reports_app
    from functions.site.watch import NotifyOnWrite

    shared = {"settings": res.settings, "store": res.store, "mailer": res.mailer, "clock": res.clock}
    apps: dict[str, Any] = {
        MOUNTS["directory"]: directory_app(**shared),
        MOUNTS["charter"]: charter_app(**shared),
        MOUNTS["reports"]: reports_app(**shared),
    }
    if on_change is not None:
        apps = {mount: NotifyOnWrite(app, on_change) for mount, app in apps.items()}
    # The spaces are pages of the function that owns their data, which sees their whole path (as behind CloudFront).
    spaces = {
        SPACE_MOUNTS["member"]: apps[MOUNTS["directory"]],
        SPACE_MOUNTS["moderator"]: apps[MOUNTS["directory"]],
        SPACE_MOUNTS["subscriber"]: apps[MOUNTS["reports"]],
    }
    return WholePath(DispatcherMiddleware(StaticSite(res.settings.site_dir), apps), spaces)


class WholePath:
    """Send the paths under each of ``mounts`` to its app unchanged (``SCRIPT_NAME`` empty), the rest on."""

    def __init__(self, rest: Any, mounts: dict[str, Any]) -> None:
        self.rest, self.mounts = rest, mounts

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        for mount, app in self.mounts.items():
            if path == mount or path.startswith(mount + "/"):
                return app(environ, start_response)
        return self.rest(environ, start_response)


def prepare_site(res: Resources, echo: Callable[[str], Any] = print) -> Any:
    """Build and publish the site into the site folder so that ``/`` answers; return the publisher.

    The returned :class:`DebouncedPublisher` (already started) rebuilds and
    republishes the site in the background after changes; ``serve`` stops it.
    """
    from functions.site.pipeline import publish_changes, publish_full, site_target
    from functions.site.watch import DebouncedPublisher

    target = site_target(res.settings, folder=res.settings.site_dir)
    echo(f"building the site into {res.settings.site_dir} ...")
    # In full once (the local store may have been reset since the last run), then only what changed.
    publish_full(res, target, echo)
    return DebouncedPublisher(lambda: publish_changes(res, target), REPUBLISH_DELAY).start()
