"""Child process for the mixed crash test: the register's writes, at random, until it is killed.

Run as ``python -m tests.storage.mixed_loop DBPATH SEED TOKEN_BASE``. Each write goes through
the storage function the register calls: sales (some for a customer, earning points), refunds
(cash or a credit note on the account), customer edits, points adjustments, deposits, parking
and resuming, the open sale's saves, and sync batches pulled from the back office (applied as
sync/client.py applies them: ``sync_state.pulling``, ``apply_remote``).

It prints one JSON line when the database is open, then one line per write, only after the
storage function has returned (``"op"`` names it). A write whose target must be known before
it runs (a resume) is announced first (``"resuming"``), so the parent knows what a kill in
the middle may or may not have done. ``TOKEN_BASE`` keeps the values of each child apart from
the others' (edits, reasons), so the parent can tell whose write it sees.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from storage import (
    accounts,
    catalog,
    customers,
    loyalty,
    open_sale,
    parked,
    returns,
    sales,
    sync_state,
)
from storage.db import open_database
from storage.models import database
from storage.remote_changes import RemoteChange, apply_remote, pull_cursor
from tests.storage.sale_loop import random_cart
from till.core.loyalty import LoyaltyProgram
from till.core.sale import PaymentMethod, SaleCustomer

TILL_NO = 1
OTHER_TILL = 2
SELLER = "crash"
CURRENCY = "EUR"
REGION = "FR"
ACTOR = "till 1 (crash)"
PROGRAM = LoyaltyProgram()
BATCH_LEDGER_ENTRIES = 3
"""Each pulled batch: this many ledger entries, then one sale of another till."""


def _report(message: dict[str, Any]) -> None:
    # One write per line, flushed at once: the parent may SIGKILL us right after.
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def batch_ids(cursor: int) -> list[str]:
    """The ids of what the batch that moves the pull cursor to ``cursor`` brings."""
    return [f"batch-{cursor}-{k}" for k in range(BATCH_LEDGER_ENTRIES + 1)]


class Workload:
    """The child's state between writes: what it may act on next."""

    def __init__(
        self, rng: random.Random, token_base: int, report: Callable[[dict[str, Any]], None]
    ) -> None:
        self.rng = rng
        self.report = report
        self.token = token_base
        self.codes = catalog.sample_codes(100)
        self.customers = [
            SaleCustomer(customer_id, code, name, enrolled=True)
            for customer_id, code, name in database.execute_sql(
                "SELECT id, code, last_name FROM customer ORDER BY num"
            )
        ]
        if not self.codes or not self.customers:
            raise SystemExit("the database has no catalog or no customers: stock it first.")
        self.open_revision = open_sale.revision(TILL_NO)

    def next_token(self) -> int:
        self.token += 1
        return self.token

    def sale(self) -> None:
        cart = random_cart(self.rng, self.codes)
        if self.rng.random() < 0.5:
            cart.clear_payments()
            cart.attach(self.rng.choice(self.customers))
            cart.pay(PaymentMethod.CARD, cart.total)
        sale = sales.record_sale(
            cart,
            till_no=TILL_NO,
            seller=SELLER,
            currency=CURRENCY,
            loyalty_program=PROGRAM,
        )
        self.report({"op": "sale", **_sale_facts(sale)})

    def refund(self) -> None:
        where = "FROM sale WHERE till_no = ? AND refund_of IS NULL"
        (count,) = database.execute_sql(f"SELECT COUNT(*) {where}", (TILL_NO,)).fetchone()
        if not count:
            return
        (code,) = database.execute_sql(
            f"SELECT receipt_code {where} ORDER BY receipt_no LIMIT 1 OFFSET ?",
            (TILL_NO, self.rng.randrange(count)),
        ).fetchone()
        original = returns.returnable(code)
        left = [line for line in original.lines if line.remaining]
        if not left:
            return
        chosen = self.rng.choice(left)
        method = PaymentMethod.CASH
        if original.sale.customer and self.rng.random() < 0.5:
            method = PaymentMethod.ACCOUNT  # a credit note: an account movement
        refund = returns.record_return(
            code,
            {chosen.line.line_no: 1},
            method,
            till_no=TILL_NO,
            seller=SELLER,
            currency=CURRENCY,
            loyalty_program=PROGRAM,
        )
        self.report({"op": "refund", **_sale_facts(refund), "refund_of": code})

    def edit(self) -> None:
        customer = self.rng.choice(self.customers)
        token = self.next_token()
        customers.update_customer(
            customer.id, {"first_name": f"E{token}"}, actor=ACTOR, region=REGION
        )
        self.report({"op": "edit", "customer": customer.id, "token": token})

    def points(self) -> None:
        customer = self.rng.choice(self.customers)
        reason = f"crash {self.next_token()}"
        points = self.rng.randint(1, 50)
        loyalty.adjust_points(customer.id, points, reason, actor=ACTOR)
        self.report({"op": "points", "customer": customer.id, "reason": reason, "points": points})

    def deposit(self) -> None:
        customer = self.rng.choice(self.customers)
        amount = self.rng.randint(1, 5_000)
        accounts.deposit(customer.id, amount, "cash", actor=ACTOR, till_no=TILL_NO)
        # Only this process writes: the newest entry of the customer is the deposit.
        (entry_id,) = database.execute_sql(
            "SELECT id FROM account_entry WHERE customer_id = ? ORDER BY chain_seq DESC LIMIT 1",
            (customer.id,),
        ).fetchone()
        self.report({"op": "deposit", "entry": entry_id, "amount": amount})

    def park(self) -> None:
        cart = random_cart(self.rng, self.codes)
        cart.clear_payments()
        kept = parked.park(cart, f"P{self.next_token()}", till_no=TILL_NO)
        self.report({"op": "park", "id": kept.id, "total": kept.total})

    def resume(self) -> None:
        waiting = parked.parked_sales(TILL_NO)
        if not waiting:
            return
        chosen = self.rng.choice(waiting)
        self.report({"op": "resuming", "id": chosen.id})
        parked.resume(chosen.id)
        self.report({"op": "resumed", "id": chosen.id})

    def keep_open_sale(self) -> None:
        self.open_revision += 1
        cart = None if self.rng.random() < 0.2 else random_cart(self.rng, self.codes)
        if cart is not None:
            cart.clear_payments()
        open_sale.save(TILL_NO, self.open_revision, cart)
        total = cart.total if cart is not None else None
        self.report({"op": "open", "revision": self.open_revision, "total": total})

    def pull_batch(self) -> None:
        cursor = pull_cursor() + 1
        at = datetime.now(UTC).isoformat()
        *entry_ids, sale_id = batch_ids(cursor)
        changes = [
            _remote_entry(entry_id, self.rng.choice(self.customers).id, at, self.rng)
            for entry_id in entry_ids
        ]
        changes.append(_remote_sale(sale_id, cursor, self.rng.choice(self.customers).id, at))
        with sync_state.pulling():  # as sync/client.py applies a pull
            applied = apply_remote(changes, cursor)
        assert applied.inserted == len(changes), applied
        self.report({"op": "batch", "cursor": cursor})


def _sale_facts(sale: Any) -> dict[str, Any]:
    return {
        "id": sale.id,
        "receipt": sale.receipt_code,
        "lines": len(sale.lines),
        "items": sale.item_count,
        "total": sale.total,
    }


def _remote_entry(entry_id: str, customer_id: str, at: str, rng: random.Random) -> RemoteChange:
    if rng.random() < 0.5:
        table, value_column, kind = "loyalty_entry", "points", "earn"
    else:
        table, value_column, kind = "account_entry", "amount", "deposit"
    entry = {
        "id": entry_id,
        "customer_id": customer_id,
        "kind": kind,
        value_column: rng.randint(1, 100),
        "sale_id": None,
        "reason": "",
        "actor": "till 2 (remote)",
        "at": at,
    }
    return RemoteChange(table, "create", entry, "south")


def _remote_sale(sale_id: str, receipt_no: int, customer_id: str, at: str) -> RemoteChange:
    payload = {
        "id": sale_id,
        "customer_id": customer_id,
        "till_no": OTHER_TILL,
        "receipt_no": receipt_no,
        "receipt_code": f"{OTHER_TILL:02d}-{receipt_no:06d}",
        "created_at": at,
        "store": "",
        "seller": "remote",
        "total": 250,
        "item_count": 1,
        "payments": [{"method": "cash"}],
        "lines": [{"name": "Remote product", "quantity": 1}],
    }
    return RemoteChange("sale", "create", payload, "south")


WEIGHTS = {
    Workload.sale: 6,
    Workload.refund: 2,
    Workload.edit: 2,
    Workload.points: 2,
    Workload.deposit: 2,
    Workload.park: 1,
    Workload.resume: 1,
    Workload.keep_open_sale: 3,
    Workload.pull_batch: 1,
}


def run(db_path: str, seed: int, token_base: int) -> None:
    rng = random.Random(seed)
    open_database(db_path, create=False)
    workload = Workload(rng, token_base, _report)
    _report({"ready": True})
    actions, weights = list(WEIGHTS), list(WEIGHTS.values())
    while True:
        rng.choices(actions, weights)[0](workload)


def main(argv: list[str]) -> None:
    if len(argv) != 4:
        raise SystemExit("usage: python -m tests.storage.mixed_loop DBPATH SEED TOKEN_BASE")
    run(argv[1], int(argv[2]), int(argv[3]))


if __name__ == "__main__":
    main(sys.argv)
