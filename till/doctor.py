"""``till doctor``: one line per part of the till, ok / warn / fail, for a technician."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from till.config import Settings
from till.core.words import Listing
from till.errors import TillError
from till.i18n import _, plural

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
    from storage.migrations import numbered
    from till.journal_service import verify_database

    path = Path(settings.database.path)
    try:
        open_database(path, create=False, key_dir=settings.key_dir)
    except TillError as error:
        yield "fail", "database", str(error)
        return
    except DatabaseError as error:  # e.g. "file is not a database": a damaged or foreign file
        yield (
            "fail",
            "database",
            _("{path}: not a database SQLite can read ({error})").format(path=path, error=error),
        )
        return
    newest = numbered()[-1][0]
    version = schema_version()
    if not integrity_ok():
        yield "fail", "database", _("{path}: PRAGMA integrity_check failed").format(path=path)
        return
    yield (
        "ok",
        "database",
        _("{path} (schema {version}/{newest}, WAL, integrity ok)").format(
            path=path, version=version, newest=newest
        ),
    )
    try:
        verdict = verify_database(settings)
    except TillError as error:  # the public key missing or unreadable
        yield "fail", "journal", str(error)
        return
    if not verdict.ok:
        problems = Listing(verdict.problems, shown=3, separator="; ")
        yield (
            "fail",
            "journal",
            _("{problems} (till journal verify lists them)").format(problems=problems),
        )
    else:
        intact = plural(
            sales.sale_count(),
            "{n} sale, hash chain intact, {seals} signatures valid",
            "{n} sales, hash chain intact, {seals} signatures valid",
            seals=verdict.facts["seals"],
        )
        yield "ok", "journal", intact
    yield _people(settings)


def _people(settings: Settings) -> Check:
    from storage import users

    active = [user for user in users.users() if not user.disabled]
    if active:
        managers = sum(user.role.value in ("manager", "admin") for user in active)
        if settings.security.manager_pin:
            still_set = _(
                "{active} active, {managers} may approve; [security] manager_pin is still set:"
                " remove it (a shared PIN, hashed without the pepper)"
            )
            return "warn", "users", still_set.format(active=len(active), managers=managers)
        approving = _("{active} active, {managers} may approve")
        return "ok", "users", approving.format(active=len(active), managers=managers)
    if settings.security.manager_pin:
        return (
            "warn",
            "users",
            _(
                "none: one shared manager PIN, hashed without the pepper, approves everything;"
                " give each person their own PIN (till user add NAME --role manager)"
            ),
        )
    nobody = _("none, and no manager PIN: refunds and closures cannot be approved")
    return "warn", "users", nobody


def _printer(settings: Settings, database_ok: bool) -> Iterator[Check]:
    from devices.printer.escpos import drawer_kick
    from devices.printer.transport import open_transport

    url = settings.printer.url
    try:
        drawer_kick(settings.printer.profile)  # the profile must be one python-escpos knows
        transport = open_transport(url, settings.printer.timeout)
        if url in ("", "none"):
            yield "warn", "printer", _("none configured: receipts are not printed")
        else:
            yield "ok", "printer", f"{url}: {transport.check()}"
    except TillError as error:
        yield "fail", "printer", str(error)
    if database_ok:
        from storage import print_jobs
        from till.record_words import message_words

        waiting = print_jobs.waiting()
        if waiting:
            yield (
                "warn",
                "print queue",
                plural(
                    waiting,
                    "{n} receipt waiting for the printer",
                    "{n} receipts waiting for the printer",
                ),
            )
            holding = print_jobs.holding_error()
            if holding:
                said = message_words(holding)
                yield "warn", "print queue", _("last error: {error}").format(error=said)
        else:
            yield "ok", "print queue", _("empty")
        unconfirmed = Listing((job.receipt_code for job in print_jobs.unconfirmed()), shown=5)
        if unconfirmed:
            yield (
                "warn",
                "print queue",
                plural(
                    len(unconfirmed),
                    "{n} receipt not confirmed by the printer ({receipts}): check it,"
                    " reprint with `till receipt print N`",
                    "{n} receipts not confirmed by the printer ({receipts}): check them,"
                    " reprint with `till receipt print N`",
                    receipts=unconfirmed,
                ),
            )


def _sync(settings: Settings, database_ok: bool) -> Iterator[Check]:
    """The server reachable, its protocol, this till's token, and what waits to be sent."""
    if not settings.sync.enabled:
        yield "ok", "sync", _("no back office configured: this till works offline")
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
