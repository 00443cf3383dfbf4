"""``till doctor``: one line per part of the till, ok / warn / fail, for a technician."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from till.config import Settings
from till.errors import TillError

Check = tuple[str, str, str]
"""(status, part, message); status is ok, warn or fail."""


def diagnose(settings: Settings, config_source: str) -> Iterator[Check]:
    yield "ok", "config", config_source
    database_ok = False
    for check in _database(settings):
        database_ok = database_ok or (check[0] == "ok" and check[1] == "database")
        yield check
    yield from _printer(settings, database_ok)
    yield from _scanners(settings)
    yield from _sync(settings, database_ok)


def device_checks(settings: Settings) -> Iterator[Check]:
    """The printer, its queue, the scanners and sync, on the database already open (the
    support view's lines)."""
    yield from _printer(settings, True)
    yield from _scanners(settings)
    yield from _sync(settings, True)


def _database(settings: Settings) -> Iterator[Check]:
    from peewee import DatabaseError

    from storage import sales
    from storage.db import integrity_ok, open_database, schema_version
    from storage.migrations import available
    from till.journal_service import verify_database

    path = Path(settings.database.path)
    try:
        open_database(path, create=False, key_dir=settings.key_dir)
    except TillError as error:
        yield "fail", "database", str(error)
        return
    except DatabaseError as error:  # e.g. "file is not a database": a damaged or foreign file
        yield "fail", "database", f"{path}: not a database SQLite can read ({error})"
        return
    newest = available()[-1][0]
    version = schema_version()
    if not integrity_ok():
        yield "fail", "database", f"{path}: PRAGMA integrity_check failed"
        return
    yield "ok", "database", f"{path} (schema {version}/{newest}, WAL, integrity ok)"
    try:
        verdict = verify_database(settings)
    except TillError as error:  # the public key missing or unreadable
        yield "fail", "journal", str(error)
        return
    if not verdict.ok:
        more = len(verdict.problems) - 3
        shown = "; ".join(verdict.problems[:3]) + (f" and {more} more" if more > 0 else "")
        yield "fail", "journal", f"{shown} (till journal verify lists them)"
    else:
        intact = f"{sales.sale_count()} sales, hash chain intact"
        yield "ok", "journal", f"{intact}, {verdict.facts['seals']} signatures valid"
    yield _people(settings)


def _people(settings: Settings) -> Check:
    from storage import users

    active = [user for user in users.users() if not user.disabled]
    if active:
        managers = sum(user.role.value in ("manager", "admin") for user in active)
        if settings.security.manager_pin:
            return (
                "warn",
                "users",
                f"{len(active)} active, {managers} may approve; [security] manager_pin is"
                " still set: remove it (a shared PIN, hashed without the pepper)",
            )
        return "ok", "users", f"{len(active)} active, {managers} may approve"
    if settings.security.manager_pin:
        return (
            "warn",
            "users",
            "none: one shared manager PIN, hashed without the pepper, approves everything;"
            " give each person their own PIN (till user add NAME --role manager)",
        )
    return "warn", "users", "none, and no manager PIN: refunds and closures cannot be approved"


def _printer(settings: Settings, database_ok: bool) -> Iterator[Check]:
    from devices.printer.escpos import drawer_kick
    from devices.printer.transport import open_transport

    url = settings.printer.url
    try:
        drawer_kick(settings.printer.profile)  # the profile must be one python-escpos knows
        transport = open_transport(url, settings.printer.timeout)
        if url in ("", "none"):
            yield "warn", "printer", "none configured: receipts are not printed"
        else:
            yield "ok", "printer", f"{url}: {transport.check()}"
    except TillError as error:
        yield "fail", "printer", str(error)
    if database_ok:
        from storage import print_jobs

        waiting = print_jobs.waiting()
        if waiting:
            yield "warn", "print queue", f"{waiting} receipt(s) waiting for the printer"
        else:
            yield "ok", "print queue", "empty"
        unconfirmed = [job.receipt_code for job in print_jobs.unconfirmed()]
        if unconfirmed:
            more = len(unconfirmed) - 5
            shown = ", ".join(unconfirmed[:5]) + (f" and {more} more" if more > 0 else "")
            yield (
                "warn",
                "print queue",
                f"{len(unconfirmed)} receipt(s) not confirmed by the printer ({shown}):"
                " check them, reprint with `till receipt print N`",
            )


def _sync(settings: Settings, database_ok: bool) -> Iterator[Check]:
    """The server reachable, its protocol, this till's token, and what waits to be sent."""
    if not settings.sync.enabled:
        yield "ok", "sync", "no back office configured: this till works offline"
        return
    from till.sync_service import SyncService

    try:
        service = SyncService(settings.sync, attempts=1)
    except TillError as error:
        yield "fail", "sync", str(error)
        return
    try:
        for status, message in service.checks(with_database=database_ok):
            yield status, "sync", message
    finally:
        service.close()


def _scanners(settings: Settings) -> Iterator[Check]:
    from devices.scanner.evdev_reader import scanner_diagnosis

    for status, message in scanner_diagnosis(settings):
        yield status, "scanners", message
