"""``till sync``: sync this till with the back office once, or keep syncing (a till whose
register is not running). Safe beside the register's own sync: see till/sync_service.py."""

from __future__ import annotations

import signal
import sys
from datetime import datetime
from types import FrameType

import click

from till.errors import SyncError


@click.command()
@click.option("--once", "mode", flag_value="once", help="Push and pull once, then exit.")
@click.option(
    "--daemon", "mode", flag_value="daemon", help="Sync every [sync] interval until SIGTERM."
)
@click.pass_context
def sync(click_ctx: click.Context, mode: str | None) -> None:
    """Send this till's changes to the back office and fetch everyone else's."""
    from till.sync_service import NOT_CONFIGURED, SyncService

    if mode is None:
        raise click.UsageError("say --once or --daemon")
    settings = click_ctx.obj.settings()
    if not settings.sync.enabled:
        raise SyncError(NOT_CONFIGURED)
    click_ctx.obj.open_database(settings)  # waits for the register's write, as every command
    service = SyncService(settings.sync)
    try:
        if mode == "once":
            _once(service)
        else:
            from till import logs

            logs.configure(settings.database.path)  # the journal, or a file beside the database
            _daemon(service, settings.sync.interval)
    finally:
        service.close()


def _once(service) -> None:
    result = service.sync()
    waiting = result.status.waiting
    click.echo(
        f"Synced with {service.settings.url} as {service.settings.name}: "
        f"{result.pushed} change(s) sent, {result.pulled} received from other tills, "
        + (f"{waiting} waiting." if waiting else "nothing waiting.")
    )


def _daemon(service, interval: int) -> None:
    """Sync until SIGTERM or Ctrl+C; one line each time the state changes."""
    from till.sync_service import SyncStatus, SyncWorker

    told: list[tuple[bool, str]] = []

    def report(status: SyncStatus) -> None:
        """A line when syncs start failing, fail differently, or work again."""
        state = (status.ok, status.last_error)
        if told and told[-1] == state:
            return
        told.append(state)
        line = status.line(lambda moment: moment.astimezone().strftime("%H:%M"))
        click.echo(f"{_now()} {line}" + ("" if status.ok else f": {status.last_error}"))

    worker = SyncWorker(service, report, interval=interval)

    def stop(signum: int, frame: FrameType | None) -> None:
        worker.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(
        f"{_now()} Syncing with {service.settings.url} as {service.settings.name} every "
        f"{interval} s; SIGTERM stops."
    )
    worker.run()
    click.echo(f"{_now()} Stopped.")
    sys.stdout.flush()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
