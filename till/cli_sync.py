"""``till sync``: sync this till with the back office once, or keep syncing (a till whose
register is not running). Safe beside the register's own sync: see till/sync_service.py."""

from __future__ import annotations

import signal
import sys
from datetime import datetime
from types import FrameType

import click

from till.errors import SyncError
from till.i18n import _, plural


@click.command()
@click.option("--once", "mode", flag_value="once", help="Push and pull once, then exit.")
@click.option(
    "--daemon", "mode", flag_value="daemon", help="Sync every [sync] interval until SIGTERM."
)
@click.option(
    "--set-aside",
    "set_aside",
    type=click.IntRange(1, 2**62),
    metavar="N",
    help="Stop sending change N, which the server refuses (its refusal names it: 'change N (…)');"
    " it stays in the outbox, listed by --set-aside-list.",
)
@click.option("--reason", default="", help="Why, with --set-aside (kept in the audit log).")
@click.option("--set-aside-list", "mode", flag_value="list", help="List the changes set aside.")
@click.pass_context
def sync(click_ctx: click.Context, mode: str | None, set_aside: int | None, reason: str) -> None:
    """Send this till's changes to the back office and fetch everyone else's."""
    from till.sync_service import NOT_CONFIGURED, SyncService

    if set_aside is not None:
        _set_aside(click_ctx, set_aside, reason)
        return
    if mode is None:
        raise click.UsageError(_("say --once, --daemon, --set-aside N or --set-aside-list"))
    settings = click_ctx.obj.settings()
    if mode == "list":
        _list_set_aside(click_ctx)
        return
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


def _set_aside(click_ctx: click.Context, seq: int, reason: str) -> None:
    from datetime import UTC

    from storage import outbox
    from till.core.text import clean_line

    try:
        why = clean_line(reason)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--reason") from None
    if not why:
        raise click.BadParameter(
            _("say why (the server's refusal, a ticket)"), param_hint="--reason"
        )
    settings = click_ctx.obj.settings()
    click_ctx.obj.open_database(settings)
    actor = f"technician ({settings.till.seller})"
    what = outbox.set_aside(seq, why[:500], actor, datetime.now(UTC).isoformat())
    set_aside = _("Change {seq} ({what}) set aside: the changes behind it go on the next sync.")
    click.echo(set_aside.format(seq=seq, what=what))


def _list_set_aside(click_ctx: click.Context) -> None:
    from storage import outbox
    from till.core.text import printable

    click_ctx.obj.open_database(click_ctx.obj.settings())
    changes = outbox.set_aside_changes()
    for seq, what, reason, actor, at in changes:
        click.echo(printable(f"{seq}  {what}  {at[:16]}  {actor}: {reason}"))
    if not changes:
        click.echo(_("No change is set aside."))


def _once(service) -> None:
    result = service.sync()
    waiting = result.status.waiting
    synced = (
        _(
            "Synced with {url} as {name}: {sent}, {pulled} received from other tills,"
            " {waiting} waiting."
        )
        if waiting
        else _(
            "Synced with {url} as {name}: {sent}, {pulled} received from other tills,"
            " nothing waiting."
        )
    )
    click.echo(
        synced.format(
            url=service.settings.url,
            name=service.settings.name,
            sent=plural(result.pushed, "{n} change sent", "{n} changes sent"),
            pulled=result.pulled,
            waiting=waiting,
        )
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
    syncing = _("Syncing with {url} as {name} every {interval} s; SIGTERM stops.").format(
        url=service.settings.url, name=service.settings.name, interval=interval
    )
    click.echo(f"{_now()} {syncing}")
    worker.run()
    stopped = _("Stopped.")
    click.echo(f"{_now()} {stopped}")
    sys.stdout.flush()


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
