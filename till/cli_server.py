"""``till server``: run the back-office server and manage the tills allowed to sync with it.
It reads no till config: it speaks the language ``till.cli_language`` chooses."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from till.errors import TillError
from till.i18n import N_, _, pgettext, plural

if TYPE_CHECKING:
    from storage.imports import ImportReport

DB_HELP = N_("The server's database URL: sqlite:///PATH, or postgresql://USER@HOST/NAME.")


KEYS_HELP = N_(
    "The server's key folder (the business's PIN pepper), outside its database; default: "
    "'keys' beside an SQLite database, required with PostgreSQL."
)


def server_keys(url: str, key_dir: str | None) -> Path:
    """The server's key folder: as given, or ``keys`` beside an SQLite database file."""
    from urllib.parse import urlsplit

    if key_dir:
        return Path(key_dir)
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite") and parts.path not in ("", "/", "/:memory:"):
        return Path(parts.path).parent / "keys"
    raise TillError(N_("--key-dir: the server's key folder is needed with this database URL."))


def _database(url: str) -> None:
    from sync.server.store import open_server_database

    open_server_database(url)


@click.group()
@click.pass_context
def server(click_ctx: click.Context) -> None:
    """The back-office server: tills push their changes to it and pull every other till's."""
    from till.cli_language import speak_command_language

    speak_command_language(getattr(click_ctx.find_root().obj, "config_path", None))


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8470, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="Processes."
)
@click.option(
    "--region",
    default="FR",
    show_default=True,
    envvar="TILL_SERVER_REGION",
    help="The web service reads phone numbers without +country code as this country's.",
)
@click.option("--key-dir", envvar="TILL_SERVER_KEYS", help=KEYS_HELP)
def run(url: str, host: str, port: int, workers: int, region: str, key_dir: str | None) -> None:
    """Serve tills over HTTP (put TLS in front of it: a reverse proxy), and the web service
    for integrations at /api/v1 (its documentation at /api/v1/docs)."""
    import uvicorn

    from sync.server.app import DB_URL_VARIABLE, KEYS_VARIABLE, REGION_VARIABLE

    if not (len(region) == 2 and region.isascii() and region.isalpha()):
        raise TillError(
            N_("{region} is not a two-letter country code such as FR."), region=repr(region)
        )
    _database(url)  # a bad URL is one line here, not a traceback in each worker
    _check_address(host, port)
    os.environ[DB_URL_VARIABLE] = url
    os.environ[REGION_VARIABLE] = region.upper()
    with contextlib.suppress(TillError):  # no key folder: the tills get no PIN pepper
        os.environ[KEYS_VARIABLE] = str(server_keys(url, key_dir).resolve())
    if workers == 1:
        uvicorn.run(
            "sync.server.app:create_app", factory=True, host=host, port=port, log_level="info"
        )
        return
    _serve_with_workers(
        uvicorn.Config(
            "sync.server.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )
    )


def _serve_with_workers(config: Any) -> None:
    """As ``uvicorn.run`` with workers, but the shared listening socket sends at once: uvicorn
    binds it without TCP_NODELAY, the accepted sockets inherit that on Linux, and every request
    on a kept-alive connection after the first waited ~44 ms for Nagle's algorithm
    (docs/performance.md, "Sync: where the time goes")."""
    from uvicorn.supervisors import Multiprocess

    listening = config.bind_socket()
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: the workers stop, as uvicorn's
        Multiprocess(config, sockets=[listening]).run()


def _check_address(host: str, port: int) -> None:
    """Refuse an address nobody can listen on in one line (uvicorn would log it and exit 3)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        raise TillError(
            N_("cannot listen on {host} port {port} ({reason})."),
            host=host,
            port=port,
            reason=error.strerror,
        ) from None


@server.command("add-till")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.argument("name")
def add_till(url: str, name: str) -> None:
    """Allow till NAME to sync; prints its token (once) on the last line."""
    from sync.server.store import add_till as add

    _database(url)
    token = add(name)
    click.echo(
        _("Till {name} added. Its token, shown only now, goes in the till's [sync] token:").format(
            name=name
        )
    )
    click.echo(token)


@server.command("add-integration")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option(
    "--scope",
    "scopes",
    required=True,
    help="What it may do, separated by commas: customers:read, customers:write, "
    "loyalty:read, sales:read.",
)
@click.argument("name")
def add_integration(url: str, scopes: str, name: str) -> None:
    """Allow integration NAME (a web shop, an ERP) to use the web service with these scopes;
    prints its token (once) on the last line. It cannot push or pull as a till."""
    from sync.server.integrations import add_integration as add
    from sync.server.integrations import parse_scopes

    wanted = parse_scopes(scopes)
    _database(url)
    token = add(name, wanted)
    click.echo(
        _(
            "Integration {name} added ({scopes}). Its token, shown only now, goes in its"
            " 'Authorization: Bearer' header:"
        ).format(name=name, scopes=", ".join(sorted(wanted)))
    )
    click.echo(token)


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
def tills(url: str) -> None:
    """The tills and integrations allowed in, and those revoked."""
    from sync.server.integrations import scopes_by_name
    from sync.server.journal_heads import problems
    from sync.server.store import list_tills
    from till.record_words import message_words

    _database(url)
    rows = list_tills()
    scopes = scopes_by_name()
    journal = problems()
    if not rows:
        click.echo(_("No tills yet: add one with 'till server add-till --db URL NAME'."))
    for row in rows:
        state = pgettext("till", "revoked") if row.revoked else pgettext("till", "active")
        added = _("added {at}").format(at=row.created_at[:19])
        line = f"{row.name:<40}  {state:<7}  {added}"
        if row.name in scopes:
            line += "  " + _("integration: {scopes}").format(
                scopes=",".join(sorted(scopes[row.name]))
            )
        if row.name in journal:
            problem = message_words(journal[row.name])  # old rows: English, as written
            line += "  " + _("JOURNAL: {problem}").format(problem=problem)
        click.echo(line)


@server.command()
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.argument("name")
def revoke(url: str, name: str) -> None:
    """Refuse till NAME's token from now on."""
    from sync.server.store import revoke as revoke_till

    _database(url)
    revoke_till(name)
    click.echo(_("Till {name} revoked: its token is refused from now on.").format(name=name))


@server.command(name="coupons-used-twice")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON array on stdout.")
def coupons_used_twice(url: str, as_json: bool) -> None:
    """Coupons used on more than one sale once every till's uses met (two tills took the
    same coupon before they synced), with each use: till, time, sale."""
    from sync.server.coupon_uses import used_twice

    _database(url)
    found = used_twice()
    if as_json:
        click.echo(json.dumps([coupon.to_json() for coupon in found], ensure_ascii=False))
        return
    if not found:
        click.echo(_("No coupon was used twice."))
    for coupon in found:
        click.echo(
            _("{code}: used {n} times (customer {customer})").format(
                code=coupon.code, n=len(coupon.uses), customer=coupon.customer_id
            )
        )
        for use in coupon.uses:
            click.echo("  " + _("by till {till} at {at}").format(till=use.till, at=use.at))


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
    credit = _till_settings(context).accounts.credit_limit * money.minor_per_unit
    _database(url)
    found = find(credit_limit=credit)
    if as_json:
        click.echo(json.dumps([overdraft.to_json() for overdraft in found], ensure_ascii=False))
        return
    if not found:
        click.echo(_("No overdrafts: every customer's points and account are at or above zero."))
    for overdraft in found:
        points = overdraft.ledger == "loyalty_entry"

        def amount(value: int, points: bool = points) -> str:
            return plural(value, "{n} point", "{n} points") if points else money(value)

        what = _("points") if points else _("account")
        click.echo(f"{overdraft.code}  {overdraft.name}  {what}: {amount(overdraft.balance)}")
        for entry in overdraft.entries:
            at = entry.at.isoformat(sep=" ", timespec="seconds")
            click.echo(
                "  "
                + _("{amount} by till {till} at {at} ({kind})").format(
                    amount=amount(entry.value), till=entry.till, at=at, kind=entry.kind
                )
            )


@server.group(name="import")
def import_group() -> None:
    """Import the catalog every till receives on its next sync."""


JSON_HELP = N_("The summary as one JSON object on stdout (refused rows stay on stderr).")


@import_group.command(name="products")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_products(url: str, as_json: bool, file: str) -> None:
    """Add or update products from a CSV file, as 'till import products' reads it (VAT rates
    and currency from the till's config); each change reaches every till. Stock is each
    till's own: the column is checked, not sent."""
    from sync.server import catalog

    settings, precision = _catalog_settings()
    _database(url)
    _import(
        file,
        as_json,
        lambda progress: catalog.import_products(
            Path(file),
            settings.vat.rates,
            precision,
            on_error=progress.refused,
            on_progress=progress.committed,
        ),
    )


@import_group.command(name="prices")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_prices(url: str, as_json: bool, file: str) -> None:
    """Set customer price lists from a CSV file (price_code,barcode,price) for every till."""
    from sync.server import catalog

    _, precision = _catalog_settings()
    _database(url)
    _import(
        file,
        as_json,
        lambda progress: catalog.import_prices(
            Path(file), precision, on_error=progress.refused, on_progress=progress.committed
        ),
    )


def _catalog_settings() -> tuple[Any, int]:
    """The till's settings (``till --config``, $TILL_CONFIG or the defaults) and its
    currency's decimals: the back office checks rows by the rules its tills use."""
    context = click.get_current_context().find_root().obj
    precision = context.money().precision
    return _till_settings(context), precision


def _till_settings(context: Any) -> Any:
    """The till's settings, the commands' language kept: a config without ``[locale]``
    leaves the environment's, as for the other ``till server`` commands."""
    from till.cli_language import speak_command_language

    settings = context.settings()
    speak_command_language(context.config_path)
    return settings


def _import(file: str, as_json: bool, run: Callable[[Any], ImportReport]) -> None:
    from sync.server.catalog import feed_position
    from till.cli import _ImportProgress

    progress = _ImportProgress(file)
    with progress:
        report = run(progress)
    if not as_json:
        progress.summary(report)
        return
    summary = {
        "file": file,
        "added": report.added,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "refused": report.refused,
        "feed_seq": feed_position(),
    }
    click.echo(json.dumps(summary))
    if report.refused:
        sys.exit(1)


@server.group(name="user")
def server_user() -> None:
    """The business's users: every till gets them at its next sync."""


@server_user.command(name="add")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--key-dir", envvar="TILL_SERVER_KEYS", help=KEYS_HELP)
@click.option("--role", type=click.Choice(["viewer", "cashier", "manager", "admin"]), required=True)
@click.argument("name")
def server_user_add(url: str, key_dir: str | None, role: str, name: str) -> None:
    """Add NAME with a ROLE for every till; asks their PIN (terminal, or a line of stdin)."""
    from sync.server.users import add_user
    from till.cli_people import read_pin
    from till.core.people import Role

    keys = server_keys(url, key_dir)
    _database(url)
    pin = read_pin(_("PIN for {name}").format(name=name), confirm=True)
    added = add_user(name, Role(role), pin, keys)
    click.echo(
        _("{name} added ({role}): every till has them at its next sync.").format(
            name=added.name, role=added.role.word
        )
    )


@server_user.command(name="list")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
def server_user_list(url: str) -> None:
    """The business's users, their roles, active or disabled."""
    from sync.server.users import users

    _database(url)
    for user in users():
        state = pgettext("user", "disabled") if user.disabled else pgettext("user", "active")
        click.echo(f"{user.name:<40}  {user.role.word:<10}  {state:<8}  {user.updated_at[:19]}")


@server_user.command(name="disable")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.argument("name")
def server_user_disable(url: str, name: str) -> None:
    """NAME may no longer log in on any till (from each till's next sync)."""
    from sync.server.users import disable

    _database(url)
    click.echo(
        _("{name} is disabled on every till at its next sync.").format(name=disable(name).name)
    )


@server_user.command(name="reset-pin")
@click.option("--db", "url", required=True, envvar="TILL_SERVER_DB", help=DB_HELP)
@click.option("--key-dir", envvar="TILL_SERVER_KEYS", help=KEYS_HELP)
@click.argument("name")
def server_user_reset_pin(url: str, key_dir: str | None, name: str) -> None:
    """A new PIN for NAME on every till (a disabled user is enabled again)."""
    from sync.server.users import reset_pin
    from till.cli_people import read_pin

    keys = server_keys(url, key_dir)
    _database(url)
    done = reset_pin(name, read_pin(_("New PIN for {name}").format(name=name), confirm=True), keys)
    click.echo(_("{name} has a new PIN on every till at its next sync.").format(name=done.name))
