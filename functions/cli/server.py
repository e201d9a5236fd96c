"""``ardoise serve``: the three APIs and the static site on one local server."""

from __future__ import annotations

import os

import click

from functions.cli.common import make_services
from functions.core.context import Services


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Fill an empty store with realistic demo data first.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
def serve(host: str, port: int, demo: bool, threads: int) -> None:
    """Serve the site at / and the APIs at /api/directory, /api/charter, /api/reports."""
    import waitress

    from functions.local.server import build_local_app, prepare_site

    ctx = make_services()
    if "ARDOISE_BASE_URL" not in os.environ:
        # Links in e-mails and pages must point where this server really listens.
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
        ctx = Services(ctx.settings.replace(base_url=f"http://{shown_host}:{port}"), clock=ctx.clock)
    if demo:
        from functions.local.demo import seed_demo

        summary = seed_demo(ctx)
        click.echo(f"demo data: {summary}")
        _echo_demo_key(host, port)
    publisher = prepare_site(ctx, echo=click.echo)
    click.echo(f"Ardoise on http://{host}:{port}/ (API under /api/...), Ctrl+C to stop")
    try:
        app = build_local_app(ctx, on_change=publisher.notify)
        waitress.serve(app, host=host, port=port, threads=threads, ident="ardoise")
    finally:
        publisher.stop()


def _echo_demo_key(host: str, port: int) -> None:
    """Show the demo subscriber's key on every demo run (it is printed once, then kept in var/)."""
    from pathlib import Path

    key_file = Path("var/demo-api-key")
    if key_file.exists():
        key = key_file.read_text().strip()
        click.echo(f"solvency API, demo key: curl -H 'X-API-Key: {key}' http://{host}:{port}/api/reports/usage")


COMMANDS = [serve]
