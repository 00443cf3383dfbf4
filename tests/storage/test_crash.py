"""Crash test: SIGKILL a process recording sales; every reported sale must survive, whole.

A child (``tests.storage.sale_loop``) records sales in a loop and prints each one after
``record_sale`` returns. The test kills it at a random moment, several times over, then
checks the database: nothing reported is missing, nothing is half-written, the journal
chain and the outbox are intact and SQLite's own integrity check passes.

Set ``TILL_CRASH_SEED`` to replay the random choices of a failed run (the kill moments
still depend on the machine's timing).
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import queue
import random
import signal
import sys
import threading
import time
from collections import Counter
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import IO, Any

from peewee import fn
from stdnum import ean

from storage import catalog, sales
from storage.db import close_database, integrity_ok, open_database
from storage.models import Outbox, Sale, SaleLine, SalePayment, SaleVat, database
from till.config import Settings

SEED_ENV = "TILL_CRASH_SEED"
ROUNDS = 6
KILL_AFTER = (0.05, 0.5)
"""Seconds between the child's first ready line and its SIGKILL."""
READY_TIMEOUT = 15.0
READY_LINE = b'{"ready": true}\n'
TILL_NO = 1

# (price, vat %) of the products the child sells; every rate and a few odd prices.
PRODUCTS = [
    ("1.20", "5.5"),
    ("3.85", "5.5"),
    ("2.50", "20"),
    ("7.90", "20"),
    ("4.60", "10"),
    ("0.99", "2.1"),
    ("12.35", "20"),
    ("0.05", "10"),
]


def _ean13(serial: int) -> str:
    body = f"200{serial:09d}"
    return body + ean.calc_check_digit(body)


def _stock(db_path: Path) -> None:
    open_database(db_path)
    try:
        text = "barcode,name,price,vat\n" + "".join(
            f"{_ean13(n)},Product {n},{price},{vat}\n"
            for n, (price, vat) in enumerate(PRODUCTS, start=1)
        )
        rows, errors = catalog.parse_product_csv(text, Settings().vat.rates)
        assert errors == []
        assert catalog.import_products(rows).added == len(PRODUCTS)
    finally:
        close_database()


def _pump(stream: IO[bytes], lines: queue.Queue[bytes | None]) -> None:
    """Forward the child's stdout line by line; None marks the end."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _child(module: str, args: list[str], stdout: Connection, stderr_path: str) -> None:
    """The write loop ``module``, in a process the fork server forked: its lines go to the
    parent's pipe, its errors to ``stderr_path``, as the command line's child would."""
    os.dup2(stdout.fileno(), 1)
    stdout.close()
    errors = os.open(stderr_path, os.O_WRONLY | os.O_APPEND)
    os.dup2(errors, 2)
    os.close(errors)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    importlib.import_module(module).main([module, *args])


CHILD_MODULES = ["tests.storage.sale_loop", "tests.storage.mixed_loop"]


def _forkserver() -> ForkServerContext:
    """A fork server that has imported the write loops: each child is forked from it, a new
    process that opens the database itself, without the half second of imports (22 children
    in ``make test``). Nothing is opened before the fork: the server only imported code."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(CHILD_MODULES)
    return context


def _run_child(
    db_path: Path,
    seed: int,
    kill_after: float,
    stderr_path: Path,
    context: str,
    module: str = "tests.storage.sale_loop",
    *extra: str,
) -> list[dict[str, Any]]:
    """Start a write loop (``module``), SIGKILL it ``kill_after`` seconds after it is ready;
    its reports."""
    stderr_path.write_bytes(b"")  # there even if the child never starts
    reading, writing = multiprocessing.Pipe(duplex=False)
    child = _forkserver().Process(
        target=_child, args=(module, [str(db_path), str(seed), *extra], writing, str(stderr_path))
    )
    child.start()
    writing.close()
    stream = os.fdopen(os.dup(reading.fileno()), "rb")
    reading.close()
    lines: queue.Queue[bytes | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(stream, lines), daemon=True)
    reader.start()
    try:
        try:
            first = lines.get(timeout=READY_TIMEOUT)
        except queue.Empty:
            first = None
        assert first == READY_LINE, (
            f"{context}: the child did not start ({first!r}):\n{stderr_path.read_text()}"
        )
        time.sleep(kill_after)  # the point of the test: kill at an arbitrary moment
        alive = child.is_alive()
        if alive:
            child.kill()  # SIGKILL
    finally:
        if child.is_alive():
            child.kill()
        child.join(timeout=10)
        reader.join(timeout=10)
        stream.close()
    assert alive and child.exitcode == -signal.SIGKILL, (
        f"{context}: the child ended by itself (exit {child.exitcode}) before the kill:\n"
        f"{stderr_path.read_text()}"
    )
    reports = []
    while (line := lines.get_nowait()) is not None:
        # A line cut short by the kill was never fully reported, so it promises nothing.
        if line.endswith(b"\n"):
            reports.append(json.loads(line))
    return reports


def _sums(query: Any) -> dict[str, tuple[int, ...]]:
    return {row[0]: tuple(row[1:]) for row in query.tuples()}


def _check_database(
    reported: list[dict[str, Any]], rounds: int, context: str, *, journal: bool = True
) -> None:
    """``journal``: check the sales' hash chain too (leave it to a caller that runs the whole
    journal check anyway: it costs the most)."""
    stored = {
        row.receipt_code: row
        for row in Sale.select().where(Sale.till_no == TILL_NO).order_by(Sale.receipt_no)
    }
    assert Sale.select().count() == len(stored), f"{context}: sales of another till"

    # Something happened, and at most one sale per kill committed without being reported.
    assert reported, f"{context}: no sale was reported; the test proved nothing"
    codes = [report["receipt"] for report in reported]
    # A repeated receipt means a reported sale was lost and a later child reused its number.
    assert len(set(codes)) == len(codes), f"{context}: a receipt was reported twice"
    assert codes == sorted(codes), f"{context}: a later child reused an earlier receipt"
    assert len(reported) <= len(stored) <= len(reported) + rounds, (
        f"{context}: {len(reported)} sales reported, {len(stored)} stored"
    )

    # Every reported sale is there, exactly as the child rang it up.
    lines = _sums(
        SaleLine.select(
            SaleLine.sale,
            fn.COUNT(SaleLine.line_no),
            fn.SUM(SaleLine.total),
            fn.SUM(SaleLine.quantity),
        ).group_by(SaleLine.sale)
    )
    for report in reported:
        sale = stored.get(report["receipt"])
        assert sale is not None, f"{context}: reported sale {report['receipt']} is missing"
        got = (sale.id, sale.total, sale.item_count, lines.get(sale.id, (0,))[0])
        want = (report["id"], report["total"], report["items"], report["lines"])
        assert got == want, f"{context}: sale {sale.receipt_code} is {got}, reported {want}"

    # No sale is half-written: lines, VAT and payments all add up to its total.
    vat = _sums(
        SaleVat.select(
            SaleVat.sale, fn.SUM(SaleVat.gross), fn.SUM(SaleVat.net + SaleVat.vat)
        ).group_by(SaleVat.sale)
    )
    payments = _sums(
        SalePayment.select(SalePayment.sale, fn.SUM(SalePayment.amount)).group_by(SalePayment.sale)
    )
    for sale in stored.values():
        where = f"{context}: sale {sale.receipt_code}"
        count, line_total, quantity = lines.get(sale.id, (0, 0, 0))
        assert count >= 1 and line_total == sale.total, f"{where}: lines {lines.get(sale.id)}"
        assert quantity == sale.item_count, f"{where}: {quantity} items in its lines"
        assert vat.get(sale.id) == (sale.total, sale.total), f"{where}: VAT {vat.get(sale.id)}"
        paid = payments.get(sale.id, (0,))[0]
        assert paid >= sale.total, f"{where}: paid {paid}"
    orphans = {
        "sale_line": set(lines) - {sale.id for sale in stored.values()},
        "sale_vat": set(vat) - {sale.id for sale in stored.values()},
        "sale_payment": set(payments) - {sale.id for sale in stored.values()},
    }
    assert not any(orphans.values()), f"{context}: rows without a sale: {orphans}"

    # Receipt numbers 1..N, no gap, no duplicate; one outbox entry per sale.
    numbers = [sale.receipt_no for sale in stored.values()]
    assert numbers == list(range(1, len(stored) + 1)), f"{context}: receipts {numbers}"
    outbox = Counter(
        entity_id
        for (entity_id,) in Outbox.select(Outbox.entity_id).where(Outbox.entity == "sale").tuples()
    )
    assert outbox == Counter(sale.id for sale in stored.values()), (
        f"{context}: outbox sale entries {outbox}"
    )

    if journal:
        assert sales.verify_journal(TILL_NO) == [], f"{context}: the journal chain is broken"
    fk_problems = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    assert fk_problems == [], f"{context}: {fk_problems}"
    assert integrity_ok(), f"{context}: PRAGMA integrity_check failed"


def test_sales_survive_sigkill(tmp_path: Path) -> None:
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    context = f"{SEED_ENV}={seed}"
    rng = random.Random(seed)
    db_path = tmp_path / "till.db"
    _stock(db_path)

    reported: list[dict[str, Any]] = []
    for round_no in range(1, ROUNDS + 1):
        kill_after = rng.uniform(*KILL_AFTER)
        reported += _run_child(
            db_path,
            rng.randrange(2**32),
            kill_after,
            tmp_path / f"child{round_no}.stderr",
            f"{context} round {round_no} (kill after {kill_after:.3f} s)",
        )

    open_database(db_path, create=False)
    try:
        _check_database(reported, ROUNDS, context)
    finally:
        close_database()
