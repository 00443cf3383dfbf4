"""Each tampering found by the probes of issue #13 is detected by storage/journal_check.py."""

import json
from pathlib import Path

import pytest

from storage import accounts, catalog, customers, events, journal_check, loyalty, sales
from storage.journal_chains import sale_chain
from storage.journal_seal import ANCHOR, flush_anchor
from storage.models import database
from till.core.sale import Cart, PaymentMethod
from till.errors import StorageError

from ..conftest import PRODUCTS

DAY = "2026-03-14T10:00:00+00:00"


def _cart() -> Cart:
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[1][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    return cart


def _sell(count: int, till_no: int = 1) -> None:
    for _ in range(count):
        sales.record_sale(_cart(), till_no=till_no, seller="Ann", currency="EUR")


def _codes() -> list[str]:
    return [problem.code for problem in journal_check.check().problems]


def _without_triggers(*names: str) -> None:
    for name in names:
        database.execute_sql(f'DROP TRIGGER "{name}"')


@pytest.fixture
def shop(stocked_db: Path) -> Path:
    _sell(5)
    return stocked_db


def test_a_normal_day_verifies_clean(shop):
    customer = customers.create_customer(
        {"last_name": "Martin"}, actor="till 1 (Ann)", till_no=1, region="FR"
    )
    loyalty.adjust_points(customer.id, 120, "welcome", actor="till 1 (Bob)")
    accounts.deposit(customer.id, 5_000, "cash", actor="till 1 (Ann)")
    events.record_event(events.DRAWER_OPENED, "till 1 (Ann)", {"approved_by": "Bob"}, till_no=1)
    _sell(2, till_no=2)
    report = journal_check.check()
    assert report.problems == []
    assert report.sales == {1: 5, 2: 2}
    assert report.rows["loyalty"] == 1 and report.rows["account"] == 1
    assert report.anchored


def test_an_altered_sale_is_detected(shop):
    _without_triggers("sale_no_update", "sale_redaction_header_only")
    database.execute_sql("UPDATE sale SET total = 1 WHERE receipt_no = 3")
    assert "sale_altered" in _codes()


@pytest.mark.parametrize(
    ("removed", "expected"),
    [((5,), "anchor_ahead"), ((3, 4, 5), "anchor_ahead"), ((3,), "receipts_missing")],
)
def test_deleted_sales_are_detected(shop, removed, expected):
    _without_triggers(
        *(
            f"{t}_no_delete"
            for t in ("sale", "sale_line", "sale_vat", "sale_payment", "journal_seal")
        )
    )
    marks = ",".join("?" * len(removed))
    ids = f"SELECT id FROM sale WHERE till_no = 1 AND receipt_no IN ({marks})"
    for table in ("sale_line", "sale_vat", "sale_payment"):
        database.execute_sql(f"DELETE FROM {table} WHERE sale_id IN ({ids})", removed)
    database.execute_sql(f"DELETE FROM print_job WHERE sale_id IN ({ids})", removed)
    database.execute_sql(f"DELETE FROM sale WHERE till_no = 1 AND receipt_no IN ({marks})", removed)
    # the forger removes the seals of what they deleted too: the anchor outside still knows
    database.execute_sql(
        f"DELETE FROM journal_seal WHERE chain = 'sale/1' AND seq IN ({marks})", removed
    )
    codes = _codes()
    assert expected in codes
    assert "trigger_missing" in codes


def test_deleting_the_last_sale_through_writable_schema_is_detected(shop):
    database.execute_sql("PRAGMA writable_schema = ON")
    database.execute_sql(
        "DELETE FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%no_delete'"
    )
    database.execute_sql("PRAGMA writable_schema = OFF")
    database.close()
    database.connect()  # the schema as the forger's next connection reads it
    last = "(SELECT id FROM sale WHERE receipt_no = 5)"
    for table in ("sale_line", "sale_vat", "sale_payment", "print_job"):
        database.execute_sql(f"DELETE FROM {table} WHERE sale_id = {last}")
    database.execute_sql("DELETE FROM sale WHERE receipt_no = 5")
    database.execute_sql("DELETE FROM journal_seal WHERE chain = 'sale/1' AND seq = 5")
    codes = _codes()
    assert "anchor_ahead" in codes and "trigger_missing" in codes


def test_a_chain_rewritten_with_the_projects_own_hash_is_detected(shop):
    _without_triggers("sale_no_update", "sale_redaction_header_only")
    database.execute_sql("UPDATE sale SET total = 1, seller = 'Eve' WHERE receipt_no = 2")
    previous = sales.GENESIS_HASH
    for row in sales.Sale.select().where(sales.Sale.till_no == 1).order_by(sales.Sale.receipt_no):
        payload, _kept = sales.journal_payload(row)
        digest = sales.chain_hash(previous, payload)
        database.execute_sql(
            "UPDATE sale SET previous_hash = ?, journal_hash = ? WHERE id = ?",
            (previous, digest, row.id),
        )
        previous = digest
    assert sales.verify_journal(1) == []  # the old check is fooled
    assert "seal_mismatch" in _codes()


def test_a_sale_dated_2019_inserted_by_hand_is_detected(shop):
    last = sales.last_sale(1)
    database.execute_sql(
        "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
        " total, item_count, change_given, previous_hash, journal_hash)"
        " VALUES ('old', 1, 6, '01-000006', '2019-05-01T10:00:00+00:00', 'x', 'EUR', 100, 1,"
        " 0, ?, 'f00d')",
        (
            database.execute_sql(
                "SELECT journal_hash FROM sale WHERE id = ?", (last.id,)
            ).fetchone()[0],
        ),
    )
    codes = _codes()
    assert "time_backwards" in codes and "rows_unsealed" in codes


def test_a_garbage_sale_under_another_till_is_detected(shop):
    database.execute_sql(
        "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
        " total, item_count, change_given, previous_hash, journal_hash)"
        " VALUES ('junk', 7, 3, '07-000003', ?, 'x', 'EUR', 9999, 1, 0, 'zz', 'zz')",
        (DAY,),
    )
    problems = journal_check.check().problems
    assert {(p.code, p.chain) for p in problems} >= {
        ("sale_altered", sale_chain(7)),
        ("receipts_missing", sale_chain(7)),
        ("rows_unsealed", sale_chain(7)),
    }


def test_a_trigger_neutralised_through_writable_schema_is_detected(shop):
    database.execute_sql("PRAGMA writable_schema = ON")
    database.execute_sql(
        "UPDATE sqlite_master SET sql = replace(sql, 'BEFORE UPDATE ON \"sale_line\"',"
        " 'BEFORE UPDATE ON \"sale_line\" WHEN 0') WHERE name = 'sale_line_no_update'"
    )
    database.execute_sql("PRAGMA writable_schema = OFF")
    assert [(p.code, p.facts) for p in journal_check.check().problems] == [
        ("trigger_altered", {"trigger": "sale_line_no_update"})
    ]


def test_points_forged_by_plain_insert_are_detected(shop):
    customer = customers.create_customer({"last_name": "Martin"}, actor="x", till_no=1, region="FR")
    database.execute_sql(
        "INSERT INTO loyalty_entry (id, customer_id, kind, points, sale_id, reason, actor,"
        " created_at) VALUES ('forged', ?, 'adjust', 100000, NULL, 'gift', 'x', ?)",
        (customer.id, DAY),
    )
    assert "rows_unchained" in _codes()


def test_account_credit_forged_by_plain_insert_is_detected(shop):
    customer = customers.create_customer({"last_name": "Martin"}, actor="x", till_no=1, region="FR")
    accounts.deposit(customer.id, 1_000, "cash", actor="till 1 (Ann)")
    # the forger even takes the next place in the chain
    database.execute_sql(
        "INSERT INTO account_entry (id, customer_id, kind, amount, sale_id, reason, actor,"
        " created_at, chain_seq, booked_for) VALUES ('forged', ?, 'deposit', 50000, NULL, '',"
        " 'x', ?, 2, ?)",
        (customer.id, DAY, customer.id),
    )
    assert "rows_unsealed" in _codes()


def test_a_forged_seal_is_detected(shop):
    _without_triggers("sale_no_update", "sale_redaction_header_only", "journal_seal_no_update")
    database.execute_sql("UPDATE sale SET journal_hash = 'ab' WHERE receipt_no = 5")
    database.execute_sql("UPDATE journal_seal SET head = 'ab' WHERE chain = 'sale/1' AND seq = 5")
    codes = _codes()
    assert "seal_forged" in codes and "anchor_differs" in codes


def test_the_anchor_removed_is_reported(shop, tmp_path):
    flush_anchor()  # written by a thread of its own, after each commit
    (tmp_path / "keys" / ANCHOR).unlink()
    assert _codes() == ["anchor_missing"]


def test_an_edited_audit_value_is_detected(shop):
    customers.create_customer({"last_name": "Martin"}, actor="x", till_no=1, region="FR")
    _without_triggers("audit_log_erase_only")
    database.execute_sql("UPDATE audit_log SET new_value = 'Dupont' WHERE new_value = 'Martin'")
    assert "audit_values_changed" in _codes()


def test_a_missing_public_key_is_a_clear_error(shop, tmp_path):
    (tmp_path / "keys" / "journal-public.key").unlink()
    with pytest.raises(StorageError, match=r"journal-public\.key: missing"):
        journal_check.check()


def test_a_missing_signing_key_is_never_replaced(shop, tmp_path):
    from storage import journal_seal

    (tmp_path / "keys" / "journal-signing.key").unlink()
    journal_seal.bind_keys(tmp_path / "keys")  # a new process: no key in memory
    with pytest.raises(StorageError, match=r"journal-signing\.key: missing"):
        _sell(1)
    assert not (tmp_path / "keys" / "journal-signing.key").exists()


def test_the_anchor_follows_each_commit(shop, tmp_path):
    flush_anchor()  # written by a thread of its own, after each commit
    anchor = json.loads((tmp_path / "keys" / ANCHOR).read_text())["chains"]
    assert anchor[sale_chain(1)]["seq"] == 5
    _sell(1)
    flush_anchor()
    anchor = json.loads((tmp_path / "keys" / ANCHOR).read_text())["chains"]
    assert anchor[sale_chain(1)]["seq"] == 6
