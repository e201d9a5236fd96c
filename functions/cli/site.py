"""``ardoise build-site`` and ``ardoise publish``: the public site, built and published incrementally."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from functions.cli.common import echo_json, make_services


@click.command("build-site")
@click.option("--full", is_flag=True, help="Forget the previous build and render every file again.")
def build_site(full: bool) -> None:
    """Build the public site into ARDOISE_SITE_BUILD_DIR/out (only what changed since the last build)."""
    from functions.site.pipeline import build_site as build

    ctx = make_services()
    if full:
        shutil.rmtree(Path(ctx.settings.site_build_dir), ignore_errors=True)
    report = build(ctx, echo=click.echo)
    echo_json({"files": report.files, "rendered": report.rendered, "written": report.written,
               "deleted": report.deleted, "company_pages": report.company_pages, "seconds": round(report.seconds, 3),
               "search_worst_lookup_bytes": report.search_worst_bytes})  # fmt: skip


@click.command("publish")
@click.option("--bucket", default=None, help="S3 bucket to publish to (default: ARDOISE_SITE_BUCKET).")
@click.option("--folder", default=None, type=click.Path(file_okay=False), help="Folder to publish to instead.")
@click.option("--no-build", is_flag=True, help="Publish the last build as it is, without building first.")
def publish(bucket: str | None, folder: str | None, no_build: bool) -> None:
    """Build the site, then upload only the files that changed (S3 bucket, or ARDOISE_SITE_DIR)."""
    from functions.site.pipeline import build_site as build
    from functions.site.pipeline import publish_site, site_target

    if bucket and folder:
        raise click.UsageError("--bucket and --folder are exclusive")
    ctx = make_services()
    if not no_build:
        build(ctx, echo=click.echo)
    try:
        report = publish_site(ctx, site_target(ctx.settings, bucket=bucket, folder=folder), echo=click.echo)
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc
    echo_json({"uploaded": len(report.uploaded), "unchanged": report.skipped, "deleted": len(report.deleted),
               "seconds": round(report.seconds, 3)})  # fmt: skip


COMMANDS = [build_site, publish]
