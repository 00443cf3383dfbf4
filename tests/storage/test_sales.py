import json

import pytest

from storage import catalog, outbox, sales
from storage.models import Outbox, Sale, database
from till.core.sale import Cart, PaymentMethod
from till.errors import InvalidSale

from ..conftest import PRODUCTS


def _paid_cart(*codes: str) -> Cart:
    cart = Cart()
    for code in codes:
        cart.add(catalog.lookup(code))
    cart.pay(PaymentMethod.CASH, cart.total + 100)
    return cart


def test_record_sale_writes_the_journal_and_the_outbox(stocked_db):
    cart = _paid_cart(PRODUCTS[0][0], PRODUCTS[0][0], PRODUCTS[2][0])
    sale = sales.record_sale(cart, till_no=3, seller="Ann", currency="EUR")
    assert sale.receipt_code == "03-000001"
    stored = sales.get_sale("03-000001")
    assert stored == sale
    assert [(line.name, line.quantity, line.total) for line in stored.lines] == [
        ("Baguette", 2, 240),
        ("Savon de Marseille", 1, 250),
    ]
    assert stored.total == 490 and stored.change_given == 100
    assert sum(v.gross for v in stored.vat) == 490
    pending = outbox.pending()
    assert [(p["entity"], p["entity_id"], p["operation"]) for p in pending] == [
        ("sale", sale.id, "create")
    ]
    assert pending[0]["payload"]["total"] == 490
    assert len(pending[0]["payload"]["lines"]) == 2


def test_receipt_numbers_are_sequential_per_till_and_hash_chained(stocked_db):
    code = PRODUCTS[1][0]
    for till_no in (1, 1, 2, 1):
        sales.record_sale(_paid_cart(code), till_no=till_no, seller="x", currency="EUR")
    numbers = sorted(Sale.select(Sale.till_no, Sale.receipt_no).tuples())
    assert numbers == [(1, 1), (1, 2), (1, 3), (2, 1)]
    assert sales.verify_journal(1) == []
    assert sales.last_sale(1).receipt_code == "01-000003"


def test_tampering_breaks_the_chain(stocked_db):
    code = PRODUCTS[1][0]
    for _ in range(3):
        sales.record_sale(_paid_cart(code), till_no=1, seller="x", currency="EUR")
    database.execute_sql("DROP TRIGGER sale_line_no_update")
    database.execute_sql(
        "UPDATE sale_line SET name = 'Forged' WHERE sale_id = "
        "(SELECT id FROM sale WHERE receipt_no = 2)"
    )
    assert sales.verify_journal(1) == ["01-000002"]


def test_an_unpaid_sale_is_refused_and_nothing_is_written(stocked_db):
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[3][0]))
    with pytest.raises(InvalidSale, match="not fully paid"):
        sales.record_sale(cart, till_no=1, seller="x", currency="EUR")
    assert sales.sale_count() == 0
    assert Outbox.select().count() == 0


def test_a_failed_write_leaves_no_half_sale(stocked_db, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr(outbox, "append", fail)
    with pytest.raises(RuntimeError):
        sales.record_sale(_paid_cart(PRODUCTS[0][0]), till_no=1, seller="x", currency="EUR")
    counts = [
        database.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("sale", "sale_line", "sale_vat", "sale_payment", "outbox")
    ]
    assert counts == [0, 0, 0, 0, 0]


def test_outbox_payload_is_versioned_json(stocked_db):
    sales.record_sale(_paid_cart(PRODUCTS[4][0]), till_no=1, seller="x", currency="EUR")
    payload = json.loads(Outbox.get().payload)
    assert payload["v"] == 1
    assert payload["payments"] == [{"method": "cash", "amount": 460, "tendered": 560}]
