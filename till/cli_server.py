"""``till server``: run the back-office server and manage the tills allowed to sync with it."""

from __future__ import annotations

import json
import os
import socket

import click

from till.errors import TillError

DB_HELP = "The server's database URL: sqlite:///PATH, or postgresql://USER@HOST/NAME."


def _database(url: str) -> None:
    from sync.server.store import open_server_database

    open_server_database(url)


@click.group()
def server() -> None:
    """The back-office server: tills push their changes to it and pull every other till's."""


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8470, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes."
)
def run(url: str, host: str, port: int, workers: int) -> None:
    """Serve tills over HTTP (put TLS in front of it: a reverse proxy)."""
    import uvicorn

    from sync.server.app import DB_URL_VARIABLE

    _database(url)  # a bad URL is one line here, not a traceback in each worker
    _check_address(host, port)
    os.environ[DB_URL_VARIABLE] = url
    uvicorn.run(
        "sync.server.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )


def _check_address(host: str, port: int) -> None:
    """Refuse an address nobody can listen on in one line (uvicorn would log it and exit 3)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise TillError(f"cannot listen on {host} port {port} ({error.strerror}).") from None


@server.command("add-till")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.argument("name")
def add_till(url: str, name: str) -> None:
    """Allow till NAME to sync; prints its token (once) on the last line."""
    from sync.server.store import add_till as add

    _database(url)
    token = add(name)
    click.echo(f"Till {name} added. Its token, shown only now, goes in the till's [sync] token:")
    click.echo(token)


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
def tills(url: str) -> None:
    """The tills allowed to sync, and those revoked."""
    from sync.server.store import list_tills

    _database(url)
    rows = list_tills()
    if not rows:
        click.echo("No tills yet: add one with 'till server add-till --db URL NAME'.")
    for row in rows:
        state = "revoked" if row.revoked else "active"
        click.echo(f"{row.name:<40}  {state:<7}  added {row.created_at[:19]}")


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.argument("name")
def revoke(url: str, name: str) -> None:
    """Refuse till NAME's token from now on."""
    from sync.server.store import revoke as revoke_till

    _database(url)
    revoke_till(name)
    click.echo(f"Till {name} revoked: its token is refused from now on.")


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
def overdrafts(url: str, as_json: bool) -> None:
    """Customers whose points or account went below zero once every till's entries met (two
    tills spent the same points or credit before they synced), with the spends that did it.
    A business account may owe up to the till config's [accounts] credit_limit."""
    from sync.server.overdrafts import overdrafts as find

    context = click.get_current_context().find_root().obj
    money = context.money()
    credit = context.settings().accounts.credit_limit * money.minor_per_unit
    _database(url)
    found = find(credit_limit=credit)
    if as_json:
        click.echo(json.dumps([overdraft.to_json() for overdraft in found], ensure_ascii=False))
        return
    if not found:
        click.echo("No overdrafts: every customer's points and account are at or above zero.")
    for overdraft in found:
        points = overdraft.ledger == "loyalty_entry"

        def amount(value: int, points: bool = points) -> str:
            return f"{value} points" if points else money(value)

        what = "points" if points else "account"
        click.echo(f"{overdraft.code}  {overdraft.name}  {what}: {amount(overdraft.balance)}")
        for entry in overdraft.entries:
            at = entry.at.isoformat(sep=" ", timespec="seconds")
            click.echo(f"  {amount(entry.value)} by till {entry.till} at {at} ({entry.kind})")
