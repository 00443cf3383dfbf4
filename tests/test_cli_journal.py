"""``till journal verify``, ``till journal archive`` and the doctor's journal line, on a shop
whose journal someone tampered with."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from storage import catalog, sales
from storage.db import close_database, open_database
from storage.models import database
from till.cli import cli
from till.core.sale import Cart, PaymentMethod

from .conftest import ean13


@pytest.fixture
def shop(tmp_path: Path):
    db = tmp_path / "shop.db"
    open_database(db)
    rows, _ = catalog.parse_product_csv(f"barcode,name,price,vat\n{ean13(7)},Thé,4.10,5.5\n", [550])
    catalog.import_products(rows)
    for _ in range(3):
        cart = Cart()
        cart.add(catalog.lookup(ean13(7)))
        cart.pay(PaymentMethod.CARD, cart.total)
        sales.record_sale(cart, till_no=1, seller="Léa", currency="EUR")
    yield db
    close_database()


def till(*args: str):
    return CliRunner().invoke(cli, list(args))


def _delete_last_sale() -> None:
    database.execute_sql("PRAGMA writable_schema = ON")
    database.execute_sql(
        "DELETE FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%no_delete'"
    )
    database.execute_sql("PRAGMA writable_schema = OFF")
    database.close()
    database.connect()
    last = "(SELECT id FROM sale WHERE receipt_no = 3)"
    for table in ("sale_line", "sale_vat", "sale_payment", "print_job"):
        database.execute_sql(f"DELETE FROM {table} WHERE sale_id = {last}")
    database.execute_sql("DELETE FROM sale WHERE receipt_no = 3")
    database.execute_sql("DELETE FROM journal_seal WHERE chain = 'sale/1' AND seq = 3")
    database.close()


def test_an_intact_journal_verifies_with_and_without_the_subcommand(shop):
    for command in (["journal"], ["journal", "verify"]):
        result = till("--db", str(shop), *command)
        assert result.exit_code == 0, result.output
        assert "3 sales, integrity ok, chain intact" in result.output
    facts = json.loads(till("--db", str(shop), "journal", "verify", "--json").output)
    assert facts["problems"] == [] and facts["tills"] == {"1": 3} and facts["anchored"]


def test_deleting_the_last_sale_fails_verify_and_doctor(shop):
    _delete_last_sale()
    result = till("--db", str(shop), "journal", "verify")
    assert result.exit_code == 1
    assert "sales of till 1: entries were removed: the anchor outside the database reached 3" in (
        result.output
    )
    assert "the protective trigger sale_no_delete is missing" in result.output
    doctor = till("--db", str(shop), "doctor", "--printer", "none")
    assert doctor.exit_code == 1
    assert any(line.startswith("fail") and "journal" in line for line in doctor.output.splitlines())


def test_a_missing_public_key_is_one_line(shop, tmp_path):
    (tmp_path / "keys" / "journal-public.key").unlink()
    result = till("--db", str(shop), "journal", "verify")
    assert result.exit_code == 2
    assert result.output.startswith("till: ") and "journal-public.key: missing" in result.output
    assert len(result.output.splitlines()) == 1


def test_an_archive_is_signed_and_an_edit_detected(shop, tmp_path):
    year = sales.last_sale(1).created_at[:4]
    archive = tmp_path / "year.json"
    made = till("--db", str(shop), "journal", "archive", year, "-o", str(archive))
    assert made.exit_code == 0, made.output
    assert "3 sales" in made.output
    verified = till("--db", str(shop), "journal", "verify", str(archive))
    assert verified.exit_code == 0, verified.output
    assert "signature and content intact" in verified.output

    archive.write_text(archive.read_text().replace('"seller": "Léa"', '"seller": "Eve"', 1))
    edited = till("--db", str(shop), "journal", "verify", str(archive))
    assert edited.exit_code == 1
    assert "its content was changed after it was signed" in edited.output


def test_a_bad_period_is_one_line(shop, tmp_path):
    result = till("--db", str(shop), "journal", "archive", "2026-13", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and result.output.startswith("till: ")


def test_a_closure_altered_fails_verify(shop):
    """The closures are checked with the journal: a Z whose counted cash was changed behind
    SQLite's triggers is found by `till journal verify` (and so by the doctor)."""
    from datetime import UTC, datetime

    from storage import closures

    closures.close_day(
        1,
        None,
        key_dir=shop.parent / "keys",
        currency="EUR",
        actor="Boss (shell)",
        approved_by="",
        now=datetime.now(UTC),
        counted=1230,
    )
    triggers = database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'closure'"
    ).fetchall()
    for (sql,) in triggers:
        database.execute_sql(f'DROP TRIGGER "{sql.split(chr(34))[1]}"')
    database.execute_sql("UPDATE closure SET cash_counted = 99999 WHERE number = 1")
    for (sql,) in triggers:
        database.execute_sql(sql)
    database.close()
    result = till("--db", str(shop), "journal", "verify")
    assert result.exit_code == 1, result.output
    assert "Z 1" in result.output and "was altered" in result.output, result.output
