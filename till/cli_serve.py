"""``till support`` and ``till serve``: the support view (screens/support.py) in this terminal,
or in a browser through textual-serve, for a technician over an SSH tunnel."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from till.errors import TillError
from till.i18n import N_

if TYPE_CHECKING:
    from till.cli import Context
    from till.config import Settings

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.pass_obj
def support(ctx: Context) -> None:
    """The support view: customers, receipts, the X report, printer, scanners and sync.
    Read-only until a manager logs in; runs beside the register, never in its place."""
    from till.app import make_app
    from till.cli import _run

    settings = ctx.settings()
    _open_existing(settings)
    _run(make_app(settings, support=True))


@click.command()
@click.option("--host", help="Listen on this address (default: [serve] host, 127.0.0.1).")
@click.option(
    "--port", type=click.IntRange(1024, 65_535), help="Listen on this port ([serve] port, 8040)."
)
@click.pass_obj
def serve(ctx: Context, host: str | None, port: int | None) -> None:
    """The support view in a browser (textual-serve), on this machine only unless [serve] host
    says otherwise: from elsewhere, `ssh -L 8040:127.0.0.1:8040 till` and open
    http://127.0.0.1:8040."""
    from textual_serve.server import Server

    settings = ctx.settings()
    host = host or settings.serve.host
    if host not in LOOPBACK and host != settings.serve.host:
        raise TillError(
            N_(
                "--host {host}: the support view shows the customer file, so it listens on"
                " this machine only; reach it through an SSH tunnel, or set [serve] host in the"
                " config."
            ),
            host=host[:60],
        )
    _open_existing(settings)  # a missing or foreign database is told here, not in the browser
    title = f"{settings.store.name} · till support"
    Server(support_command(ctx), host=host, port=port or settings.serve.port, title=title).serve()


def support_command(ctx: Context) -> str:
    """The shell command textual-serve runs for each browser: ``till support`` on the same
    config and database as this command."""
    words = [sys.executable, "-m", "till"]
    if ctx.config_path:
        words += ["--config", str(Path(ctx.config_path).resolve())]
    if ctx.db_path:
        words += ["--db", str(Path(ctx.db_path).resolve())]
    return shlex.join([*words, "support"])


def _open_existing(settings: Settings) -> None:
    from till.postgres_left_out import leave_postgres_out

    leave_postgres_out()
    from storage.db import open_database

    open_database(settings.database.path, create=False, key_dir=settings.key_dir)
