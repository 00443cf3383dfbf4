"""Crash test of the register's every kind of write: SIGKILL a child doing them at random.

The child (``tests.storage.mixed_loop``) records sales and refunds, edits customers, adjusts
points, takes deposits, parks and resumes sales, saves the open sale and applies sync batches,
printing each write after its storage function returns. After every kill the test opens the
database as the register would and checks that:

- the next start repairs nothing: no migration, no index rebuilt, no event journaled;
- SQLite's integrity check and the journal verification (``till journal verify``) pass;
- every reported write is there, and no sale, ledger entry or batch is there in part;
- the outbox holds exactly the local ledger entries, and none of the pulled ones.

``make test`` runs a bounded form; ``make soak`` the long one, which prints its counts (see
docs/durability.md). Set ``TILL_CRASH_SEED`` to replay the random choices of a failed run.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from storage import customers, loyalty, open_sale
from storage.db import close_database, open_database
from storage.models import database
from storage.remote_changes import pull_cursor
from tests.storage.mixed_loop import TILL_NO, Workload, batch_ids
from tests.storage.test_crash import KILL_AFTER, SEED_ENV, _check_database, _run_child, _stock
from till.config import Settings
from till.journal_service import verify_database

CUSTOMERS = 3
OPERATIONS = {"sale", "refund", "edit", "points", "deposit", "park", "resumed", "open", "batch"}
SALE_OPERATIONS = ("sale", "refund")
EDIT_TOKEN = re.compile(r'"E(\d+)"')
"""A value the child writes into a customer's first name."""


def _shop(db_path: Path) -> None:
    """A catalog, customers with cards, and a first pull: a first pull sets the customer
    indexes aside (storage/index_build.py), and one cut short has them built again at the
    next start, by design; the tests start after it."""
    _stock(db_path)
    open_database(db_path)
    try:
        for n in range(CUSTOMERS):
            customer = customers.create_customer(
                {"last_name": f"Crash{n}"}, actor="setup", till_no=TILL_NO, region="FR"
            )
            loyalty.issue_card(customer.id, actor="setup", till_no=TILL_NO)
        Workload(random.Random(0), 0, lambda report: None).pull_batch()
    finally:
        close_database()


def _start_state(db_path: Path) -> tuple[Any, ...]:
    """What a start that repairs something would change: schema versions, indexes, events."""
    with closing(sqlite3.connect(db_path)) as raw:
        return tuple(
            raw.execute(query).fetchall()
            for query in (
                "SELECT version FROM schema_version ORDER BY version",
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
                "SELECT COUNT(*) FROM journal_event",
            )
        )


def _rows(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    return database.execute_sql(sql, args).fetchall()


def _check_customers(reports: list[dict[str, Any]], context: str) -> None:
    edited = [report for report in reports if report["op"] == "edit"]
    outbox = Counter(
        (customer_id, token)
        for customer_id, payload in _rows(
            "SELECT entity_id, payload FROM outbox WHERE entity = 'customer'"
        )
        for token in EDIT_TOKEN.findall(payload)
    )
    last_edit: dict[str, int] = {}
    for report in edited:
        last_edit[report["customer"]] = report["token"]
        found = outbox[(report["customer"], str(report["token"]))]
        assert found == 1, f"{context}: edit {report} has {found} outbox rows"
    names = dict(_rows("SELECT id, first_name FROM customer"))
    for customer_id, token in last_edit.items():
        first_name = names[customer_id]
        # Edits later than the last reported one may have committed unreported, never earlier.
        assert int(first_name.removeprefix("E")) >= token, (
            f"{context}: customer {customer_id} is {first_name!r}, reported E{token}"
        )


def _check_ledgers(reports: list[dict[str, Any]], context: str) -> None:
    adjusted: dict[str, list[tuple[str, int]]] = {}
    for reason, kind, points in _rows(
        "SELECT reason, kind, points FROM loyalty_entry WHERE reason LIKE 'crash %'"
    ):
        adjusted.setdefault(reason, []).append((kind, points))
    accounts = {
        entry_id: (kind, amount)
        for entry_id, kind, amount in _rows("SELECT id, kind, amount FROM account_entry")
    }
    for report in reports:
        if report["op"] == "points":
            found = adjusted.get(report["reason"])
            assert found == [("adjust", report["points"])], f"{context}: {report}: {found}"
        elif report["op"] == "deposit":
            entry = accounts.get(report["entry"])
            assert entry == ("deposit", report["amount"]), f"{context}: {report}: {entry}"

    for table in ("loyalty_entry", "account_entry"):
        local = {
            entry_id for (entry_id,) in _rows(f"SELECT id FROM {table} WHERE id NOT LIKE 'batch-%'")
        }
        outbox = Counter(
            entity_id
            for (entity_id,) in _rows("SELECT entity_id FROM outbox WHERE entity = ?", table)
        )
        assert outbox == Counter(local), f"{context}: {table} and its outbox rows differ"
        orphans = _rows(
            f"SELECT id FROM {table} WHERE sale_id IS NOT NULL"
            " AND sale_id NOT IN (SELECT id FROM sale)"
        )
        assert orphans == [], f"{context}: {table} entries of a sale that is not there"

    # A credit note and its account entry are one write: neither without the other.
    credit_notes = _rows(
        "SELECT sale_id, -SUM(amount) FROM sale_payment WHERE method = 'account' GROUP BY sale_id"
    )
    entries = dict(
        _rows(
            "SELECT sale_id, SUM(amount) FROM account_entry WHERE sale_id IS NOT NULL"
            " GROUP BY sale_id"
        )
    )
    assert dict(credit_notes) == entries, f"{context}: credit notes and account entries differ"


def _check_parked(reports: list[dict[str, Any]], context: str) -> None:
    stored = {parked_id for (parked_id,) in _rows("SELECT id FROM parked_sale")}
    parked = {report["id"] for report in reports if report["op"] == "park"}
    resuming = {report["id"] for report in reports if report["op"] == "resuming"}
    resumed = {report["id"] for report in reports if report["op"] == "resumed"}
    assert parked - resuming <= stored, (
        f"{context}: parked sales lost: {parked - resuming - stored}"
    )
    assert not resumed & stored, f"{context}: resumed sales still parked: {resumed & stored}"


def _check_open_sale(reports: list[dict[str, Any]], context: str) -> None:
    saves = [report for report in reports if report["op"] == "open"]
    cart = open_sale.load(TILL_NO)  # readable, whatever the kill cut
    if not saves:
        return
    last = saves[-1]
    revision = open_sale.revision(TILL_NO)
    assert revision >= last["revision"], f"{context}: open sale {revision}, reported {last}"
    if revision == last["revision"]:
        total = cart.total if cart is not None else None
        assert total == last["total"], f"{context}: open sale of {total}, reported {last}"


def _check_batches(reports: list[dict[str, Any]], context: str) -> None:
    cursor = pull_cursor()
    reported = max((report["cursor"] for report in reports if report["op"] == "batch"), default=0)
    assert cursor >= reported, f"{context}: pull cursor {cursor}, batch {reported} reported"
    present = {
        row_id
        for table in ("loyalty_entry", "account_entry", "remote_sale")
        for (row_id,) in _rows(f"SELECT id FROM {table} WHERE id LIKE 'batch-%'")
    }
    wanted = {row_id for number in range(1, cursor + 1) for row_id in batch_ids(number)}
    assert present == wanted, (
        f"{context}: cursor {cursor}; missing {wanted - present}, beyond it {present - wanted}"
    )
    pushed = _rows("SELECT seq FROM outbox WHERE entity_id LIKE 'batch-%'")
    assert pushed == [], f"{context}: pulled changes in the outbox: {pushed}"


def _check_all(db_path: Path, reports: list[dict[str, Any]], kills: int, context: str) -> None:
    before = _start_state(db_path)
    open_database(db_path, create=False)
    try:
        assert _start_state(db_path) == before, f"{context}: the start repaired something"
        verdict = verify_database(Settings().with_database(db_path))
        assert verdict.ok, f"{context}: till journal verify: {verdict.problems}"
        sold = [report for report in reports if report["op"] in SALE_OPERATIONS]
        if sold:
            _check_database(sold, kills, context, journal=False)  # verify_database did it
        _check_customers(reports, context)
        _check_ledgers(reports, context)
        _check_parked(reports, context)
        _check_open_sale(reports, context)
        _check_batches(reports, context)
    finally:
        close_database()


def _one_database(
    folder: Path, kills: int, rng: random.Random, context: str
) -> list[dict[str, Any]]:
    """``kills`` children killed in turn on one new database, checked after each; their
    reports."""
    folder.mkdir()
    db_path = folder / "till.db"
    _shop(db_path)
    reports: list[dict[str, Any]] = []
    for kill in range(1, kills + 1):
        kill_after = rng.uniform(*KILL_AFTER)
        where = f"{context} kill {kill} (after {kill_after:.3f} s)"
        reports += _run_child(
            db_path,
            rng.randrange(2**32),
            kill_after,
            folder / "child.stderr",
            where,
            "tests.storage.mixed_loop",
            str(kill * 1_000_000),
        )
        _check_all(db_path, reports, kill, where)
    return reports


@pytest.mark.parametrize(
    ("databases", "kills"), [(1, 16), pytest.param(15, 20, marks=pytest.mark.soak, id="300")]
)
def test_every_write_survives_sigkill(
    tmp_path: Path,
    databases: int,
    kills: int,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``kills`` kills on each of ``databases`` databases: a new one now and then keeps the
    checks after each kill (the journal's, linear in its length) from growing without end."""
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    caplog.set_level(logging.WARNING)
    reports: list[dict[str, Any]] = []
    for number in range(1, databases + 1):
        context = f"{SEED_ENV}={seed} database {number}"
        reports += _one_database(tmp_path / f"db{number}", kills, rng, context)
    warnings = [record.getMessage() for record in caplog.records]
    assert warnings == [], f"{SEED_ENV}={seed}: the starts warned: {warnings}"

    counts = Counter(report["op"] for report in reports)
    assert set(counts) >= OPERATIONS, (
        f"{SEED_ENV}={seed}: never reported: {OPERATIONS - set(counts)}"
    )
    with capsys.disabled():
        print(
            f"\ncrash test: {databases * kills} kills survived ({databases} databases),"
            f" each followed by the full check; acknowledged writes checked: {json.dumps(counts)}"
        )
