"""Child process for the crash test: records random cash sales until it is killed.

Run as ``python -m tests.storage.sale_loop DBPATH [SEED]`` (or by path). It prints one JSON
line when the database is open, then one per sale, only after ``record_sale`` has returned:
``{"id": "<uuid>", "receipt": "01-000042", "lines": 3, "items": 5, "total": 1234}``.
"""

from __future__ import annotations

import json
import random
import sys

from storage import catalog, sales
from storage.db import open_database
from till.core.sale import Cart, PaymentMethod

TILL_NO = 1
SELLER = "crash"
CURRENCY = "EUR"


def _report(message: dict[str, object]) -> None:
    # One write per line, flushed at once: the parent may SIGKILL us right after.
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def random_cart(rng: random.Random, codes: list[str]) -> Cart:
    """A cart of 1-6 random scans, paid in cash with some change."""
    cart = Cart()
    for _ in range(rng.randint(1, 6)):
        cart.add(catalog.lookup(rng.choice(codes)), rng.randint(1, 3))
    cart.pay(PaymentMethod.CASH, cart.total + rng.randrange(0, 500))
    return cart


def run(db_path: str, seed: int) -> None:
    rng = random.Random(seed)
    open_database(db_path, create=False)
    codes = catalog.sample_codes(100)
    if not codes:
        raise SystemExit(f"{db_path}: the catalog is empty.")
    _report({"ready": True})
    while True:
        cart = random_cart(rng, codes)
        sale = sales.record_sale(cart, till_no=TILL_NO, seller=SELLER, currency=CURRENCY)
        _report(
            {
                "id": sale.id,
                "receipt": sale.receipt_code,
                "lines": len(cart.lines),
                "items": cart.item_count,
                "total": cart.total,
            }
        )


def main(argv: list[str]) -> None:
    if len(argv) not in (2, 3):
        raise SystemExit("usage: python -m tests.storage.sale_loop DBPATH [SEED]")
    run(argv[1], int(argv[2]) if len(argv) == 3 else 0)


if __name__ == "__main__":
    main(sys.argv)
