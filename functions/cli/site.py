"""``ardoise build-site`` and ``ardoise publish``: the public site, built and published incrementally."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import click

from functions.cli.common import echo_fields, json_option, make_resources, output, say
from functions.cli.progress import StderrProgress


@click.command("build-site")
@click.option("--full", is_flag=True, help="Forget the previous build and render every file again.")
@json_option
def build_site(full: bool, as_json: bool) -> None:
    """Build the public site into ARDOISE_SITE_BUILD_DIR/out (only what changed since the last build)."""
    from functions.site.pipeline import build_site as build

    res = make_resources()
    if full:
        shutil.rmtree(Path(res.settings.site_build_dir), ignore_errors=True)
    with StderrProgress() as progress:
        report = build(res, echo=say, progress=progress)
    result: dict[str, Any] = {
        "files": report.files,
        "rendered": report.rendered,
        "written": report.written,
        "deleted": report.deleted,
        "company_pages": report.company_pages,
        "seconds": round(report.seconds, 3),
        "search_worst_lookup_bytes": report.search_worst_bytes,
    }
    output(result, as_json=as_json, table=lambda: echo_fields(result))


@click.command("publish")
@click.option("--bucket", default=None, help="S3 bucket to publish to (default: ARDOISE_SITE_BUCKET).")
@click.option("--folder", default=None, type=click.Path(file_okay=False), help="Folder to publish to instead.")
@click.option(
    "--full", is_flag=True, help="Read every company from the store and render every file (after a template change)."
)
@click.option("--no-build", is_flag=True, help="Publish the last build as it is, without building first.")
@json_option
def publish(bucket: str | None, folder: str | None, full: bool, no_build: bool, as_json: bool) -> None:
    """Publish what changed since the last publish (S3 bucket, or ARDOISE_SITE_DIR); --full: everything."""
    from functions.site.pipeline import publish_changes, publish_full, publish_site, site_target

    if bucket and folder:
        raise click.UsageError("--bucket and --folder are exclusive")
    if full and no_build:
        raise click.UsageError("--full and --no-build are exclusive")
    res = make_resources()
    target = site_target(res.settings, bucket=bucket, folder=folder)
    result: dict[str, Any]
    with StderrProgress() as progress:
        if no_build:
            try:
                report = publish_site(res, target, echo=say, progress=progress)
            except FileNotFoundError as exc:
                raise click.ClickException(str(exc)) from exc
            result = {
                "uploaded": len(report.uploaded),
                "unchanged": report.skipped,
                "deleted": len(report.deleted),
                "seconds": round(report.seconds, 3),
            }
        else:
            run = publish_full if full else publish_changes
            publication = run(res, target, echo=say, progress=progress)
            result = {key: value for key, value in publication.as_dict().items() if key != "steps"}
            result.update({f"{name}_seconds": value for name, value in publication.as_dict()["steps"].items()})
    output(result, as_json=as_json, table=lambda: echo_fields(result))


COMMANDS = [build_site, publish]
