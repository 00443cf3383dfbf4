import sqlite3

import pytest
from peewee import SqliteDatabase

from storage.db import PRAGMAS, migrate, schema_version
from storage.models import ALL_MODELS, database


def _columns(connection: sqlite3.Connection) -> dict[str, list[tuple]]:
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'customer_fts%'"
        )
    ]
    return {
        table: [
            (name, kind, notnull, pk)
            for _, name, kind, notnull, _, pk in connection.execute(f'PRAGMA table_info("{table}")')
        ]
        for table in sorted(tables)
    }


def test_migrations_build_the_schema_the_models_describe(db_path, tmp_path):
    from_migrations = _columns(sqlite3.connect(db_path))
    reference = SqliteDatabase(str(tmp_path / "models.db"))
    with reference.bind_ctx(ALL_MODELS):
        reference.create_tables(ALL_MODELS)
    from_models = _columns(sqlite3.connect(tmp_path / "models.db"))
    assert from_migrations == from_models


def test_pragmas_for_durability(db_path):
    pragma = lambda name: database.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == PRAGMAS["synchronous"] == 2
    assert pragma("foreign_keys") == 1


def test_migrate_is_idempotent(db_path):
    version = schema_version()
    assert version >= 1
    assert migrate() == version


def test_the_sales_journal_refuses_updates_and_deletes(db_path):
    database.execute_sql(
        "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
        " total, item_count, change_given, previous_hash, journal_hash)"
        " VALUES ('s1', 1, 1, '01-000001', 't', 'x', 'EUR', 1, 1, 0, 'a', 'b')"
    )
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE sale SET total = 0")
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("DELETE FROM sale")
