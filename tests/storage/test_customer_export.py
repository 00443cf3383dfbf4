"""Exporting the customer file and importing it again loses nothing: CSV and XLSX."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from storage import customers, loyalty
from storage.customer_export import export_customers
from storage.customer_import import ImportSettings, import_customer_file
from storage.db import close_database, open_database
from storage.models import database
from till.core.customer import Address
from till.errors import TillError

EVERYTHING = {
    "kind": "business",
    "title": "Mme",
    "last_name": "Øster-Ñúñez",
    "first_name": "Zoë 李",
    "nickname": "=cmd|' /C calc'!A0",
    "company": "Café « Ñandú » SARL",
    "job_title": "Gérante",
    "vat_number": "FR40303265045",
    "registration_number": "73282932000074",
    "activity_code": "47.11F",
    "email": "zoe@exemple.fr",
    "mobile": "+33612345678",
    "landline": "+33145678901",
    "birth_date": "1980-12-31",
    "language": "fr",
    "address1": "3 rue de l'Église",
    "address2": "Bâtiment B",
    "address3": "-2e étage",
    "postcode": "01000",
    "city": "Bourg-en-Bresse",
    "country": "FR",
    "id_document_number": "X1234567",
    "id_document_region": "Ain",
    "id_document_expiry": "2031-01-01",
    "notes": "Deux lignes\nde notes, « guillemets », 'apostrophes'",
    "status": "Prospect",
    "family": "Tourist",
    "segment": "Corporate",
    "price_code": "P2",
    "tax_zone": "EU",
    "discount_percent": "12.5",
    "discount_until": "2030-06-30",
    "excluded_from_promotions": True,
    "export_sale": True,
    "targeting": ("vip", "newsletter"),
    "extra": {"Pointure": "38", "Couleur": "'bleu"},
    "external_codes": {"Shopify": "0007001", "legacy": "+42"},
    "consent_post": True,
    "consent_email": True,
    "consent_sms": True,
    "reconfirm": True,
}


def fill(database_path: Path) -> None:
    open_database(database_path)
    full = customers.create_customer(EVERYTHING, actor="t", till_no=1, region="FR")
    for kind, city in (("delivery", "Lyon"), ("billing", "Genève")):
        customers.save_address(
            full.id,
            Address(kind=kind, line1="1 quai", line2="", postcode="69001", city=city, country="CH"),
            actor="t",
        )
    loyalty.issue_card(full.id, actor="t", till_no=1)
    plain = customers.create_customer({"last_name": "Plain"}, actor="t", till_no=1, region="FR")
    customers.set_active(plain.id, False, actor="t")
    customers.create_customer(
        {"last_name": "محمد", "first_name": "Ελένη", "external_codes": {"Shopify": "2"}},
        actor="t",
        till_no=1,
        region="FR",
    )


def rows_of(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            rows = list(csv.DictReader(file))
    else:
        book = load_workbook(path, read_only=True)
        values = [[c.value or "" for c in row] for row in book.worksheets[0].iter_rows()]
        book.close()
        rows = [dict(zip(values[0], row, strict=True)) for row in values[1:]]
    for row in rows:  # when each was written differs; everything else must not
        del row["created_at"], row["updated_at"]
    return rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_into_a_fresh_database_loses_nothing(tmp_path, suffix):
    fill(tmp_path / "first.db")
    first = tmp_path / f"first{suffix}"
    assert export_customers(first) == 3
    close_database()
    open_database(tmp_path / "second.db")
    try:
        report = import_customer_file(
            first, ImportSettings(actor="t", till_no=1, region="FR", find_duplicates=False)
        )
        assert (report.created, report.refused) == (3, 0)
        assert report.ignored_columns == ["created_at", "updated_at"]  # the till sets them
        second = tmp_path / f"second{suffix}"
        export_customers(second)
    finally:
        close_database()
    before, after = rows_of(first), rows_of(second)
    assert after == before
    full = before[0]
    assert full["nickname"] == ("'" if suffix == ".csv" else "") + EVERYTHING["nickname"]
    assert full["address.2.city"] == "Lyon" and full["external_code:Shopify"] == "0007001"
    assert full["consent_sms_at"] and full["card_number"]
    assert before[1]["active"] == "no"


def test_an_export_to_another_kind_of_file_is_refused(db_path, tmp_path):
    with pytest.raises(TillError, match="csv"):
        export_customers(tmp_path / "customers.pdf")
    assert not list(tmp_path.glob("*customers*"))


def test_xlsx_cells_are_text(db_path, tmp_path):
    customers.create_customer(
        {"last_name": "=1+1", "postcode": "01000"}, actor="t", till_no=1, region="FR"
    )
    path = tmp_path / "c.xlsx"
    export_customers(path)
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["last_name"].value == "=1+1" and row["last_name"].data_type == "s"
    assert row["postcode"].value == "01000" and row["postcode"].number_format == "@"


def test_customers_read_in_bulk_are_the_customers_read_one_by_one(tmp_path):
    """The export and the import read customers a thousand at a time (``get_customers``)."""
    fill(tmp_path / "bulk.db")
    try:
        ids = [row[0] for row in database.execute_sql("SELECT id FROM customer")]
        assert len(ids) == 3
        assert customers.get_customers(ids) == {i: customers.get_customer(i) for i in ids}
    finally:
        close_database()
