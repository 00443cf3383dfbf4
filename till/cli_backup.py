"""``till backup``, ``till restore`` and ``till logs``: what a technician runs to save the
database, put a saved one back, and read what the register logged."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from till.errors import TillError
from till.i18n import N_, _

if TYPE_CHECKING:
    from storage.backup import Contents
    from till.cli import Context


def _database(ctx: Context) -> Path:
    return Path(ctx.settings().database.path)


def _summary(contents: Contents) -> str:
    summary = _("{size:,} bytes, {sales:,} sales, last receipt {last}, schema version {version}")
    return summary.format(
        size=contents.size,
        sales=contents.sales,
        last=contents.last_receipt or _("none"),
        version=contents.schema,
    )


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@click.pass_obj
def backup(ctx: Context, path: str, force: bool) -> None:
    """Copy the database to PATH, consistent even while the register sells (SQLite's online
    backup); the copy is checked before it takes its name."""
    from storage.backup import backup as copy_database

    database = _database(ctx)
    contents = copy_database(database, Path(path), force=force)
    click.echo(
        _("Backup written: {path} ({summary}).").format(path=path, summary=_summary(contents))
    )


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Restore even if the sales journal is broken.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_obj
def restore(ctx: Context, path: str, force: bool, yes: bool) -> None:
    """Replace the database with the copy at PATH. The file is checked first (SQLite, whole,
    a till's, not from a newer till, its journal intact); the current database is kept
    beside it as NAME.before-restore-TIME. The register must be stopped."""
    from storage import backup as backups
    from storage.db import open_database, schema_version
    from till.cli import CLI_BUSY_TIMEOUT
    from till.instance import AlreadyRunning, single_instance

    database = _database(ctx)
    source = Path(path)
    if not source.is_file():
        raise TillError(N_("{source}: no such file; nothing restored."), source=source)
    if source.resolve() == database.resolve():
        raise TillError(
            N_("{source}: that is the database itself; nothing restored."), source=source
        )
    backups.check_file(source)
    with ExitStack() as held:
        if database.exists():  # the register's own lock: none starts while the file changes
            try:
                held.enter_context(single_instance(database))
            except AlreadyRunning:
                raise TillError(
                    N_(
                        "the register is running on {database}: stop it first (a restore"
                        " replaces the database under it). Nothing restored."
                    ),
                    database=database,
                ) from None
        if not yes:
            current = backups.describe(database) if database.exists() else None
            now = _summary(current) if current else _("unreadable or absent")
            question = _("Replace {database} ({now}) with {source}? It is kept aside.").format(
                database=database, now=now, source=source
            )
            if not click.confirm(question, default=False):
                raise TillError(N_("nothing restored."))
        key_dir = ctx.settings().key_dir
        restored = backups.restore(database, source, force=force, key_dir=key_dir)
        open_database(database, create=False, busy_timeout=CLI_BUSY_TIMEOUT, key_dir=key_dir)
        version = schema_version()
    done = (
        _(
            "Restored {source} to {database} ({summary}, now schema version {version});"
            " the previous one is {aside}."
        )
        if restored.kept_aside
        else _("Restored {source} to {database} ({summary}, now schema version {version}).")
    )
    click.echo(
        done.format(
            source=source,
            database=database,
            summary=_summary(restored.contents),
            version=version,
            aside=restored.kept_aside,
        )
    )


@click.command()
@click.option(
    "--since",
    metavar="DURATION|TIME",
    help="Only lines from then on: 2h, 30m, 45s, 3d, or 2026-12-01 10:00 (local time).",
)
@click.option(
    "--lines",
    "limit",
    type=click.IntRange(1, 10_000),
    default=200,
    show_default=True,
    help="At most this many lines, the latest.",
)
@click.option("--file", "from_file", is_flag=True, help="Read till.log even if a journal exists.")
@click.pass_obj
def logs(ctx: Context, since: str | None, limit: int, from_file: bool) -> None:
    """The register's recent log lines: from the journal when systemd runs it, otherwise from
    till.log (and its rotated files) beside the database."""
    from till import log_reader

    start = log_reader.parse_since(since, datetime.now()) if since else None
    _, lines = log_reader.recent_lines(_database(ctx), start, limit, journal=not from_file)
    for line in lines:
        click.echo(line)
