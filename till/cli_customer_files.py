"""``till import customers`` and ``till export customers``: a customer list in from a CSV or
XLSX file (storage/customer_import.py), and the customer file out to one."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from till.errors import TillError
from till.i18n import N_, _, plural

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
            vat_from_siret=settings.customers.vat_from_siret,
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
    from till.core.customer import refused

    counts = _(
        "{created:,} created, {updated:,} updated, {merged:,} merged, {skipped:,} skipped,"
        " {refused:,} refused"
    ).format(
        created=report.created,
        updated=report.updated,
        merged=report.merged,
        skipped=report.skipped,
        refused=report.refused,
    )
    if report.strict_refused:
        strict = _("Nothing imported (--strict): {refused:,} rows refused.")
        click.echo(strict.format(refused=report.refused))
    elif report.dry_run:
        click.echo(_("Dry run, nothing written: would be {counts}.").format(counts=counts))
    else:
        click.echo(f"{counts}.")
    if report.duplicate_count:
        lookalikes = _(
            "{count:,} new customers look like customers on file "
            "(--json lists them; merge them with `till customers duplicates`)."
        )
        click.echo(lookalikes.format(count=report.duplicate_count))
    for error in report.errors[:SHOWN_ERRORS]:
        said = refused(error["field"], error["message"]) if error["field"] else error["message"]
        click.echo(f"{file}:{error['row']}: {said}", err=True)
    more = report.error_count - min(len(report.errors), SHOWN_ERRORS)
    if more > 0:
        more_problems = plural(
            more,
            "{file}: {n} more problem (--json lists it).",
            "{file}: {n} more problems (--json lists them).",
            file=file,
        )
        click.echo(more_problems, err=True)


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
            share = (
                _("{share:.0%} read, ").format(share=report.done) if report.done is not None else ""
            )
            progress = _(
                "{file}: {share}row {row:,}: {created:,} created, {updated:,} updated,"
                " {refused:,} refused"
            )
            line = progress.format(
                file=self.file,
                share=share,
                row=report.rows,
                created=report.created,
                updated=report.updated,
                refused=report.refused,
            )
            click.echo(line, err=True)


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
        raise TillError(N_("{file}: export to a .csv or an .xlsx file."), file=file)
    settings = ctx.settings()
    ctx.open_database(settings)
    count = export(path)
    click.echo(_("{count:,} customers written to {file}.").format(count=count, file=file))
