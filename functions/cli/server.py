"""``ardoise serve``: the three APIs and the static site on one local server."""

from __future__ import annotations

import errno
import os
import socket
from typing import Any

import click

from functions.cli.common import make_resources, say
from functions.core.mounts import api_url
from functions.core.resources import Resources


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on.")
@click.option("--demo", is_flag=True, help="Fill an empty store with realistic demo data first.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64), help="Worker threads.")
def serve(host: str, port: int, demo: bool, threads: int) -> None:
    """Serve the site at / and the APIs at /api/directory, /api/charter, /api/reports (messages on stderr)."""
    import waitress

    from functions.local.server import build_local_app, prepare_site

    check_port(host, port)  # before anything is built: a busy port is said at once, in one line
    res = make_resources()
    if "ARDOISE_BASE_URL" not in os.environ:
        # Links in e-mails and pages must point where this server really listens.
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - compared, not bound
        res = Resources(res.settings.replace(base_url=f"http://{shown_host}:{port}"), clock=res.clock)
    if demo:
        from functions.local.demo import seed_demo

        summary = seed_demo(res)
        say(f"demo data: {summary}")
        _echo_demo_key(res, host, port)
        _echo_demo_links(res)
    publisher = prepare_site(res, echo=say)
    try:
        app = build_local_app(res, on_change=publisher.notify)
        try:
            server: Any = waitress.create_server(app, host=host, port=port, threads=threads, ident="ardoise")
        except OSError as exc:  # taken while the site was being built
            raise click.ClickException(cannot_listen(host, port, exc)) from exc
        say(f"Ardoise on http://{host}:{port}/ (API under /api/...), Ctrl+C to stop")
        server.run()
    finally:
        publisher.stop()


def cannot_listen(host: str, port: int, error: OSError) -> str:
    """Say in one line why the server cannot listen there, and what to do."""
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is already in use on {host}: stop what listens there or choose another --port"
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need privileges): choose another --port"
    if error.errno == errno.EADDRNOTAVAIL or isinstance(error, socket.gaierror):
        return f"{host} is not an address of this machine: choose another --host"
    return f"cannot listen on {host}:{port}: {error.strerror or error}"


def check_port(host: str, port: int) -> None:
    """Bind every address ``host`` names on ``port`` as the server will, then release them; fail in one line."""
    try:
        for family, kind, protocol, _, address in socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        ):
            with socket.socket(family, kind, protocol) as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
                probe.bind(address)
    except OSError as exc:
        raise click.ClickException(cannot_listen(host, port, exc)) from exc


def _echo_demo_key(res: Resources, host: str, port: int) -> None:
    """Show the demo subscriber's key on every demo run (it is printed once, then kept in var/)."""
    key_file = res.settings.var_dir / "demo-api-key"
    if key_file.exists():
        key = key_file.read_text().strip()
        usage = api_url(f"http://{host}:{port}", "reports", "/usage")
        say(f"solvency API, demo key: curl -H 'X-API-Key: {key}' {usage}")


def _echo_demo_links(res: Resources) -> None:
    """Print a fresh sign-in link into each web space for its demo principal (15 minutes, single use)."""
    from functions.local.demo import (
        demo_creditor_pages,
        demo_einvoice,
        demo_sign_in_links,
        demo_subscriber_pages,
        demo_summary_search,
    )

    for who, url in demo_sign_in_links(res).items():
        say(f"web space, demo {who} sign-in link (15 minutes, once): {url}")
    say(f"web space, an e-invoice to attach and read in the creditor's filing form: {demo_einvoice(res)}")
    for what, url in demo_creditor_pages(res).items():
        say(f"web space, the creditor's {what} (once signed in): {url}")
    search = demo_summary_search(res)
    if search:
        say(f"web space, a watched company's summary (once signed in, counts against the quota): {search}")
    for what, url in demo_subscriber_pages(res).items():
        say(f"web space, the subscriber's {what} (once signed in): {url}")


COMMANDS = [serve]
