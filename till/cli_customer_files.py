"""``till import customers`` and ``till export customers``: a customer list in from a CSV or
XLSX file (storage/customer_import.py), and the customer file out to one."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from till.errors import TillError

SHOWN_ERRORS = 10
"""Refused rows the plain-text summary lists (``--json`` lists up to a thousand)."""


@click.command(name="customers")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and count; write nothing.")
@click.option("--strict", is_flag=True, help="Import nothing if any row is refused.")
@click.option(
    "--mapping",
    type=click.Path(exists=True, dir_okay=False),
    help="TOML or JSON file: column name = customer field.",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@click.pass_obj
def import_customers(
    ctx, file: str, dry_run: bool, strict: bool, mapping: str | None, as_json: bool
) -> None:
    """Add or update customers from a CSV or XLSX file (Shopify, Square, a French register,
    or `till export customers`): columns are recognised by their names. A row matching a
    customer on file (e-mail, mobile, card, external code) updates it; chunks of a thousand
    rows are committed as they go, so sales go on, and importing the file again is safe."""
    from storage.customer_import import ImportSettings, import_customer_file, load_mapping

    settings = ctx.settings()
    ctx.open_database(settings)
    columns = load_mapping(Path(mapping)) if mapping else None
    progress = _Progress(file, quiet=as_json)
    report = import_customer_file(
        Path(file),
        ImportSettings(
            actor=f"import ({ctx.user})",
            till_no=settings.till.number,
            region=settings.locale.locale.partition("_")[2] or "FR",
            mapping=columns,
            dry_run=dry_run,
        ),
        strict=strict,
        on_progress=progress.committed,
    )
    if as_json:
        click.echo(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        _summary(file, report)
    if report.refused:
        sys.exit(1)


def _summary(file: str, report) -> None:
    counts = (
        f"{report.created:,} created, {report.updated:,} updated, {report.merged:,} merged, "
        f"{report.skipped:,} skipped, {report.refused:,} refused"
    )
    if report.strict_refused:
        click.echo(f"Nothing imported (--strict): {report.refused:,} rows refused.")
    elif report.dry_run:
        click.echo(f"Dry run, nothing written: would be {counts}.")
    else:
        click.echo(f"{counts}.")
    if report.duplicate_count:
        click.echo(
            f"{report.duplicate_count:,} new customers look like customers on file "
            "(--json lists them; merge them with `till customers duplicates`)."
        )
    for error in report.errors[:SHOWN_ERRORS]:
        where = f"{error['field']}: " if error["field"] else ""
        click.echo(f"{file}:{error['row']}: {where}{error['message']}", err=True)
    more = report.error_count - min(len(report.errors), SHOWN_ERRORS)
    if more > 0:
        click.echo(f"{file}: {more:,} more problems (--json lists them).", err=True)


class _Progress:
    """A progress line on stderr every few seconds when it is a terminal."""

    EVERY_S = 2.0

    def __init__(self, file: str, *, quiet: bool) -> None:
        self.file = file
        self.shown_at = time.monotonic()
        self.on_terminal = not quiet and sys.stderr.isatty()

    def committed(self, report) -> None:
        if self.on_terminal and time.monotonic() - self.shown_at >= self.EVERY_S:
            self.shown_at = time.monotonic()
            share = f"{report.done:.0%} read, " if report.done is not None else ""
            click.echo(
                f"{self.file}: {share}row {report.rows:,}: {report.created:,} created, "
                f"{report.updated:,} updated, {report.refused:,} refused",
                err=True,
            )


@click.group(name="export")
def export_group() -> None:
    """Export data to files."""


@export_group.command(name="customers")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def export_customers(ctx, file: str) -> None:
    """Write every customer to FILE, a .csv (UTF-8, Excel-friendly) or an .xlsx: every
    field, extra addresses, external codes and the card, in columns that `till import
    customers` reads back without loss."""
    from storage.customer_export import export_customers as export

    path = Path(file)
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise TillError(f"{file}: export to a .csv or an .xlsx file.")
    settings = ctx.settings()
    ctx.open_database(settings)
    count = export(path)
    click.echo(f"{count:,} customers written to {file}.")
