"""The customer indexes a new till's first sync builds once, at the end, instead of updating
them row by row.

Applying 100,000 customers in transactions of 500, each transaction rewrote the scattered
leaf pages of the search and duplicate-finding indexes (names both ways, e-mail, phones,
postcode…): 2.9 GB written for a 276 MB database. On a till whose customer file is empty and
which has never pulled, ``set_aside`` drops those indexes (keeping the SQL the migrations
wrote), and ``build_back`` creates them again from the finished table, when the pull ends,
however it ends. A till killed meanwhile gets them back at its next start
(``restore_missing``, from storage/db.py). Meanwhile, searching customers reads the whole
table: slower, on a till that is still filling its customer file.
"""

from __future__ import annotations

import logging
import re

from storage import migrated_schema
from storage.models import database

log = logging.getLogger(__name__)

SET_ASIDE = (
    "customer_name_key",
    "customer_alt_key",
    "customer_company_key",
    "customer_email_key",
    "customer_phone_key",
    "customer_landline_key",
    "customer_postcode_name_key",
    "customer_birth_date",
)
"""Indexes that only searches and the duplicate finder read. Not these: the UNIQUE ones (id,
code, card number: applying a change finds a customer and refuses a clash through them),
``customer_merged_into`` and ``customer_anonymised`` (storage/remote_privacy.py reads them
in every pull transaction), and the full-text index (contentless: it cannot be rebuilt from
the table, see docs/sync.md)."""


def set_aside() -> dict[str, str]:
    """If the customer file is empty, drop the ``SET_ASIDE`` indexes; name → the SQL that
    makes each again (nothing if the file is not empty). For a till that has never pulled
    (storage/sync_state.py ``pulling``)."""
    with database.atomic():
        if database.execute_sql("SELECT 1 FROM customer LIMIT 1").fetchone() is not None:
            return {}
        saved = {
            name: sql
            for name, sql in _indexes().items()
            if name in SET_ASIDE and not sql.upper().startswith("CREATE UNIQUE")
        }
        for name in saved:
            database.execute_sql(f'DROP INDEX "{name}"')
    if saved:
        log.info("first sync: %d customer indexes set aside until it ends", len(saved))
    return saved


def build_back(saved: dict[str, str]) -> None:
    """Create the indexes ``set_aside`` dropped, each in its own transaction (a sale waits for
    one index at most); one already there (another process's ``restore_missing``) is kept."""
    for sql in saved.values():
        with database.atomic():
            database.execute_sql(_if_not_exists(sql))
    if saved:
        log.info("first sync: %d customer indexes built", len(saved))


def restore_missing(version: int) -> list[str]:
    """Create every index that the migrations up to ``version`` (the database's) make and this
    database lacks, as they wrote it (storage/migrated_schema.py); the names created.
    Compared only when one of ``SET_ASIDE`` is missing (a pull that was killed): building
    the reference takes ~80 ms, a sixth of the register's start."""
    present = _indexes()
    if all(name in present for name in SET_ASIDE):
        return []
    made = migrated_schema.objects("index", version)
    missing = {name: sql for name, sql in made.items() if name not in present}
    for name, sql in missing.items():
        log.warning("index %s was missing (a first sync cut short?): created again", name)
        with database.atomic():
            database.execute_sql(_if_not_exists(sql))
    return list(missing)


def _indexes() -> dict[str, str]:
    return {
        name: sql
        for name, sql in database.execute_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }


_CREATE = re.compile(r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+", re.IGNORECASE)


def _if_not_exists(sql: str) -> str:
    """``sql`` with ``IF NOT EXISTS``; SQLite stores the statement without it, as written."""
    return _CREATE.sub(lambda match: f"{match.group(0)}IF NOT EXISTS ", sql, count=1)
