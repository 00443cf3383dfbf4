"""The schema the migrations make: an empty in-memory database migrated by the migrations,
once a process for each version asked, as the reference a till's own database is compared
with (its protective triggers by storage/journal_check.py, its indexes by
storage/index_build.py)."""

from __future__ import annotations

from storage import migrations

_made: dict[tuple[int, ...], dict[str, dict[str, str]]] = {}


def objects(kind: str, version: int | None = None) -> dict[str, str]:
    """Name → SQL, as the migrations wrote it, of every object of ``kind`` (``index``,
    ``trigger``…) that the migrations up to ``version`` (by default all of them) make;
    SQLite's own indexes (``sqlite_autoindex_…``) have no SQL and are left out."""
    applied = [(n, m) for n, m in migrations.available() if version is None or n <= version]
    numbers = tuple(number for number, _ in applied)
    if numbers not in _made:
        from peewee import SqliteDatabase

        scratch = SqliteDatabase(":memory:")
        scratch.connect()
        for _number, module in applied:
            module.up(scratch)
        made: dict[str, dict[str, str]] = {}
        for type_, name, sql in scratch.execute_sql(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL"
        ):
            made.setdefault(type_, {})[name] = sql
        scratch.close()
        _made[numbers] = made
    return dict(_made[numbers].get(kind, {}))


def newest() -> int:
    """The number of the last migration shipped."""
    return max((number for number, _ in migrations.numbered()), default=0)
