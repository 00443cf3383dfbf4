"""The ``till`` command: the register with no subcommand, and everything a technician runs."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from till.cli_backup import backup, logs, restore
from till.cli_campaigns import campaign
from till.cli_closures import close, closures, report
from till.cli_customer_files import export_group, import_customers
from till.cli_customers import customers
from till.cli_devices import devices
from till.cli_help import help_requested
from till.cli_invoice import invoice
from till.cli_loyalty import loyalty, manager_pin
from till.cli_people import user
from till.cli_printer import drawer, print_test, receipt_print
from till.cli_segments import segment
from till.cli_serve import serve, support
from till.cli_server import server
from till.cli_subscriptions import subscriptions
from till.cli_sync import sync
from till.click_words import speak_through_the_catalog
from till.config import Settings, load_settings
from till.errors import ConfigError, TillError
from till.i18n import N_, _, plural
from till.install_systemd import install_systemd

if TYPE_CHECKING:
    from storage.imports import ImportReport
    from till.app import TillApp

speak_through_the_catalog()


class Context:
    """What the global options decided, handed to every subcommand."""

    def __init__(self, config: str | None, db: str | None) -> None:
        self.config_path = config
        self.db_path = db

    @property
    def user(self) -> str:
        import getpass

        return getpass.getuser()

    def money(self):
        from till.core.money import MoneyFormat

        locale = self.settings().locale
        return MoneyFormat(locale.currency, locale.locale)

    def formats(self):
        from till.core.formats import formats_for

        return formats_for(self.settings().locale.locale)

    def open_database(self, settings: Settings, *, create: bool = False) -> None:
        _open(settings, create=create, busy_timeout=CLI_BUSY_TIMEOUT)

    def settings(self) -> Settings:
        """The config (``--db`` over its database); from here on, errors are worded in its
        ``[locale] language``."""
        from till.i18n import use_language

        try:
            settings = load_settings(self.config_path)
        except ConfigError:  # said before the config is accepted: in the language it names
            from till.cli_language import config_error_language

            use_language(config_error_language(self.config_path))
            raise
        if self.db_path:
            settings = settings.with_database(Path(self.db_path).resolve())
        use_language(settings.locale.language)
        return settings


pass_context = click.make_pass_decorator(Context)


class TillGroup(click.Group):
    """The ``till`` group: every command ends through ``run_command``, so any failure is one
    ``till: …`` line and a documented exit status (till/cli_errors.py), never a traceback."""

    def main(  # one signature for click's two overloads
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from till.cli_errors import run_command

        def invoke() -> Any:
            from till.cli_help import config_named, translated_help
            from till.cli_language import speak_command_language

            asked = sys.argv[1:] if args is None else list(args)
            # chosen before click parses, for its usage errors and the help; a command that
            # reads the till's config then speaks the config's language
            speak_command_language(config_named(asked))
            if not help_requested(asked):
                return super(TillGroup, self).main(
                    args, prog_name, complete_var, standalone_mode=False, **extra
                )
            with translated_help(self):
                return super(TillGroup, self).main(
                    args, prog_name, complete_var, standalone_mode=False, **extra
                )

        if not standalone_mode:
            return invoke()
        run_command(invoke)


@click.group(cls=TillGroup, invoke_without_command=True)
@click.option("--config", type=click.Path(dir_okay=False), help="TOML config (or $TILL_CONFIG).")
@click.option("--db", type=click.Path(dir_okay=False), help="SQLite database, overriding config.")
@click.version_option(package_name="till")
@click.pass_context
def cli(click_ctx: click.Context, config: str | None, db: str | None) -> None:
    """A keyboard-driven point-of-sale register. With no command, starts the register."""
    click_ctx.obj = Context(config, db)
    if click_ctx.invoked_subcommand not in (
        None,
        "run",
        "kiosk",
        "demo",
        "support",
    ):  # not the screens
        from till.cli_output import printable_output

        click_ctx.with_resource(printable_output())  # stored text never as terminal commands
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(run)


@cli.command()
@pass_context
def run(ctx: Context) -> None:
    """Start the register on the configured database."""
    settings = ctx.settings()
    _open(settings, create=False)
    _run_app(settings, demo=False)


@cli.command()
@click.option(
    "--timeout",
    type=click.IntRange(5, 3600),
    default=20,
    show_default=True,
    help="Seconds before the welcome.",
)
@pass_context
def kiosk(ctx: Context, timeout: int) -> None:
    """The customer kiosk: scan a card, see and print your points. Ctrl+Q asks a manager PIN,
    so the kiosk refuses to start until one is set."""
    settings = ctx.settings()
    _open(settings, create=False)
    _run_kiosk(settings, timeout)


def _run_kiosk(settings: Settings, timeout: float) -> None:
    from till.app import make_app
    from till.people_service import PeopleService

    people = PeopleService(settings)
    if not people.can_approve:
        raise TillError(
            N_(
                "The kiosk can only be closed with a manager PIN and nobody has one: add a"
                " manager with `till user add NAME --role manager` (or run `till manager-pin`)."
            )
        )
    _run(make_app(settings, kiosk_timeout=timeout))


@cli.command()
@pass_context
def init(ctx: Context) -> None:
    """Create the database (or bring its schema up to date)."""
    from storage.db import schema_version

    settings = ctx.settings()
    _open(settings, create=True)
    click.echo(
        _("Database ready: {path} (schema version {version}).").format(
            path=settings.database.path, version=schema_version()
        )
    )


@cli.command()
@click.option("--reset", is_flag=True, help="Start again from a fresh demo database.")
@click.option("--seed-only", is_flag=True, help="Create the demo database and exit.")
@click.option("--kiosk", "as_kiosk", is_flag=True, help="Run the customer kiosk instead.")
@pass_context
def demo(ctx: Context, reset: bool, seed_only: bool, as_kiosk: bool) -> None:
    """Run the register (or, with --kiosk, the customer kiosk) on a demo shop with a simulated
    scanner and a file printer."""
    from storage import catalog, customers
    from till.demo import (
        DEMO_DIR,
        DEMO_MANAGER_PIN,
        demo_kiosk_cards,
        demo_login_hint,
        demo_price_list_csv,
        demo_products_csv,
        demo_settings,
        seed_demo_customers,
        seed_demo_subscriptions,
        seed_demo_users,
    )

    settings = demo_settings(DEMO_DIR)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)  # the demo printer writes its file here
    if ctx.db_path:
        settings = settings.with_database(Path(ctx.db_path).resolve())
    db_path = Path(settings.database.path)
    if reset and db_path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    _open(settings, create=True)
    if catalog.product_count() == 0:
        rows, errors = catalog.parse_product_csv(demo_products_csv(), settings.vat.rates)
        report = catalog.import_products(rows)
        click.echo(
            _("Demo catalog: {added} products ({refused} refused).").format(
                added=report.added, refused=len(errors)
            )
        )
        prices, _refused = catalog.parse_price_list_csv(demo_price_list_csv())
        catalog.import_price_list(prices)
        seed_demo_subscriptions(settings.vat.rates)
    if customers.customer_count() == 0:
        added = seed_demo_customers(settings)
        click.echo(_("Demo customers: {added}.").format(added=added))
    if seed_demo_users(settings):
        click.echo(demo_login_hint())
    click.echo(_("Demo database: {path}").format(path=db_path))
    click.echo(_("Receipts are written as ESC/POS bytes to {url}").format(url=settings.printer.url))
    if seed_only:
        return
    if as_kiosk:
        cards = ", ".join(demo_kiosk_cards())
        click.echo(
            _("Kiosk cards to type or scan: {cards}. Ctrl+Q, PIN {pin}: close.").format(
                cards=cards, pin=DEMO_MANAGER_PIN
            )
        )
        _run_kiosk(settings, timeout=20)
    else:
        _run_app(settings, demo=True)


@cli.group(name="import")
def import_group() -> None:
    """Import data from files."""


@import_group.command(name="products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_context
def import_products(ctx: Context, file: str) -> None:
    """Add or update products from a CSV file:
    barcode,name,price,vat[,category][,cost][,promo_price][,discountable][,stock].
    Rows are committed a thousand at a time: sales go on meanwhile, and running the same
    file again is safe (rows already up to date are not written)."""
    from storage import catalog

    settings = ctx.settings()
    _refuse_when_synced(settings, "products")
    _open(settings, create=False, busy_timeout=CLI_BUSY_TIMEOUT)
    precision = ctx.money().precision
    progress = _ImportProgress(file)
    with progress:
        report = catalog.import_product_file(
            Path(file),
            settings.vat.rates,
            precision,
            on_error=progress.refused,
            on_progress=progress.committed,
        )
    progress.summary(report)


@import_group.command(name="prices")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@pass_context
def import_prices(ctx: Context, file: str) -> None:
    """Set customer price lists from a CSV file: price_code,barcode,price."""
    from storage import catalog

    _refuse_when_synced(ctx.settings(), "prices")
    _open(ctx.settings(), create=False, busy_timeout=CLI_BUSY_TIMEOUT)
    progress = _ImportProgress(file)
    with progress:
        report = catalog.import_price_list_file(
            Path(file),
            ctx.money().precision,
            on_error=progress.refused,
            on_progress=progress.committed,
        )
    progress.summary(report)


def _refuse_when_synced(settings: Settings, what: str) -> None:
    """A till syncing with a back office takes its catalog from there: a local import would
    differ from every other till's and be overwritten by the next change the server sends."""
    if settings.sync.enabled:
        raise TillError(
            N_(
                "this till takes its {what} from the back office ({url}): import them there"
                " with 'till server import {what} --db URL FILE'; every till receives them on"
                " its next sync."
            ),
            what=what,
            url=settings.sync.url,
        )


class _ImportProgress:
    """What an import prints as it goes: each refused row as ``FILE:LINE: reason`` on stderr,
    a progress line on stderr every few seconds when it is a terminal, the summary on
    stdout; if the import stops, what was committed before it stopped."""

    EVERY_S = 2.0

    def __init__(self, file: str) -> None:
        self.file = file
        self.report: ImportReport | None = None
        self.shown_at = time.monotonic()
        self.on_terminal = _stderr_is_terminal()

    def refused(self, line: int, message: str) -> None:
        click.echo(f"{self.file}:{line}: {message}", err=True)

    def committed(self, report: ImportReport) -> None:
        self.report = report
        if self.on_terminal and time.monotonic() - self.shown_at >= self.EVERY_S:
            self.shown_at = time.monotonic()
            share = (
                _("{share:.0%} read, ").format(share=report.done) if report.done is not None else ""
            )
            line = _("{file}: {share}line {line:,}: {counts}").format(
                file=self.file, share=share, line=report.lines, counts=_counts(report)
            )
            click.echo(line, err=True)

    def __enter__(self) -> _ImportProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is not None and self.report is not None:
            click.echo(
                _(
                    "{file}: stopped after line {line:,}, committed: {counts};"
                    " importing the file again is safe."
                ).format(file=self.file, line=self.report.lines, counts=_counts(self.report)),
                err=True,
            )

    def summary(self, report: ImportReport) -> None:
        click.echo(
            _("{counts}. {unchanged:,} already up to date.").format(
                counts=_counts(report), unchanged=report.unchanged
            )
        )
        if report.refused:
            sys.exit(1)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def _counts(report: ImportReport) -> str:
    return _("{added:,} added, {updated:,} updated, {refused:,} refused").format(
        added=report.added, updated=report.updated, refused=report.refused
    )


@cli.group()
def receipt() -> None:
    """Look at receipts."""


@receipt.command(name="show")
@click.argument("number")
@pass_context
def receipt_show(ctx: Context, number: str) -> None:
    """Print receipt NUMBER as text: 42 (this till) or 01-000042."""
    from storage import sales
    from till.register import Register

    settings = ctx.settings()
    _open(settings, create=False, busy_timeout=CLI_BUSY_TIMEOUT)
    if number.isascii() and number.isdigit():
        sale = sales.get_sale_by_number(settings.till.number, int(number))
    else:
        sale = sales.get_sale(number)
    click.echo(Register(settings).printer.preview(sale), nl=False)


@cli.group(name="journal", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def journal(click_ctx: click.Context, as_json: bool) -> None:
    """Check the journal (alone: as ``journal verify``); archive a period."""
    if click_ctx.invoked_subcommand is None:
        click_ctx.invoke(journal_verify, archive=None, as_json=as_json)


@journal.command(name="verify")
@click.argument("archive", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_context
def journal_verify(ctx: Context, archive: str | None, as_json: bool) -> None:
    """Check every till's sales, the points and account ledgers, the audit and event logs
    against their signatures and the anchor outside the database, and the triggers that keep
    them append-only; or, with ARCHIVE, check that archive file. Exit 1 on any problem."""
    from till.journal_service import verify_archive, verify_database

    settings = ctx.settings()
    if archive:
        verdict = verify_archive(Path(archive), settings)
    else:
        _open(settings, create=False, busy_timeout=CLI_BUSY_TIMEOUT)
        verdict = verify_database(settings)
    if as_json:
        click.echo(json.dumps(verdict.facts))
    elif archive:
        verdict_words = (
            _("{archive}: signature and content intact.")
            if verdict.ok
            else _("{archive}: NOT intact.")
        )
        click.echo(verdict_words.format(archive=archive))
    else:
        facts = verdict.facts
        summary = (
            _("{sales}, {integrity}, {chain} ({seals}, {tills}, anchored).")
            if facts["anchored"]
            else _("{sales}, {integrity}, {chain} ({seals}, {tills}).")
        )
        click.echo(
            summary.format(
                sales=plural(facts["sales"], "{n} sale", "{n} sales"),
                integrity=_("integrity ok") if facts["integrity"] else _("integrity FAILED"),
                chain=_("chain intact") if verdict.ok else _("journal NOT intact"),
                seals=plural(facts["seals"], "{n} signed seal", "{n} signed seals"),
                tills=plural(len(facts["tills"]), "{n} till", "{n} tills"),
            )
        )
        if facts["names_erased"]:  # docs/customers.md, "Personal data"
            click.echo(
                plural(
                    facts["names_erased"],
                    "{n} receipts with a customer's name erased on request, {old} of them"
                    " recorded before journal format 2 (checked by redaction).",
                    "{n} receipts with a customer's name erased on request, {old} of them"
                    " recorded before journal format 2 (checked by redaction).",
                    old=facts["redacted_old_format"],
                )
            )
    if not as_json:
        for problem in verdict.problems:
            click.echo(f"  - {problem}")
    if not verdict.ok:
        sys.exit(1)


@journal.command(name="archive")
@click.argument("period")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="File to write."
)
@pass_context
def journal_archive(ctx: Context, period: str, output: str) -> None:
    """Export PERIOD (YYYY, YYYY-MM or YYYY-MM-DD, UTC) as one JSON file signed with the
    journal's key: sales with lines, VAT and payments, events, ledger entries and seals."""
    from till.journal_service import archive

    settings = ctx.settings()
    _open(settings, create=False, busy_timeout=CLI_BUSY_TIMEOUT)
    counts = archive(settings, period, Path(output))
    click.echo(
        _("Archive of {period} written to {output}: {counts}.").format(
            period=period,
            output=output,
            counts=", ".join(f"{count} {name.replace('_', ' ')}" for name, count in counts.items()),
        )
    )


cli.add_command(customers)
customers.add_command(segment)
cli.add_command(export_group)
import_group.add_command(import_customers)
cli.add_command(devices)
cli.add_command(loyalty)
cli.add_command(manager_pin)
cli.add_command(user)
cli.add_command(print_test)
cli.add_command(drawer)
cli.add_command(server)
cli.add_command(sync)
cli.add_command(backup)
cli.add_command(restore)
cli.add_command(logs)
cli.add_command(install_systemd)
cli.add_command(close)
cli.add_command(report)
cli.add_command(closures)
cli.add_command(support)
cli.add_command(serve)
cli.add_command(invoice)
cli.add_command(subscriptions)
cli.add_command(campaign)
receipt.add_command(receipt_print)


@cli.command()
@click.option("--printer", "printer_url", metavar="URL", help="Check this printer instead.")
@pass_context
def doctor(ctx: Context, printer_url: str | None) -> None:
    """Check the database, config, printer, scanners and sync: one line each."""
    from till.cli_printer import settings_for
    from till.doctor import diagnose

    try:  # the register's own loader: what it refuses, the doctor fails
        settings = settings_for(ctx, printer_url)
    except ConfigError as error:
        click.echo(f"{'fail':<4}  {'config':<12} {error}")
        sys.exit(1)
    source = ctx.config_path or os.environ.get("TILL_CONFIG") or _("no config file: defaults")
    failed = False
    for status, part, message in diagnose(settings, source):
        failed = failed or status == "fail"
        click.echo(f"{status:<4}  {part:<12} {message}")
    if failed:
        sys.exit(1)


CLI_BUSY_TIMEOUT = 30
"""Seconds a command waits for the register's (or an import's, or sync's) write to finish
before it gives up with one line: the register saves a sale in milliseconds, an import
commits every 1,000 rows."""


def _open(settings: Settings, *, create: bool, busy_timeout: int = 5) -> None:
    from till.postgres_left_out import leave_postgres_out

    leave_postgres_out()  # the till's commands (the register first) never need it
    from storage.db import open_database

    open_database(
        settings.database.path, create=create, busy_timeout=busy_timeout, key_dir=settings.key_dir
    )


def _run_app(settings: Settings, *, demo: bool) -> None:
    from till.app import make_app
    from till.instance import single_instance

    with single_instance(settings.database.path):
        _run(make_app(settings, demo=demo))


def _run(app: TillApp) -> None:
    """Run the app with its log set up; if it died from an error (a bug: Textual's status 1),
    say so in one line and exit with the status of an internal error."""
    from till import logs
    from till.cli_errors import EXIT_INTERNAL, one_line
    from till.driver import HANGUP_STATUS

    where = logs.configure(app.register.settings.database.path)
    app.run()
    if app.return_code == HANGUP_STATUS:  # the terminal is gone: nobody to tell
        sys.exit(HANGUP_STATUS)
    if app.return_code:
        error = app.fatal_error
        what = f": {type(error).__name__}: {error}" if error else ""
        said = f"internal error: the register stopped{what} (the details are in {where})"
        click.echo(f"till: {one_line(said)}", err=True)
        sys.exit(EXIT_INTERNAL)


def main() -> None:
    cli(prog_name="till")  # `python -m till` too: messages name the command the README does
