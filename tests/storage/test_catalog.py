import pytest

from storage import catalog
from till.config import Settings
from till.errors import ImportRowError, UnknownProduct

from ..conftest import PRODUCTS, ean13

RATES = Settings().vat.rates


def test_lookup_finds_imported_products(stocked_db):
    code, name, _, _ = PRODUCTS[1]
    item = catalog.lookup(code)
    assert (item.name, item.unit_price, item.vat_rate_bp) == (name, 385, 550)
    with pytest.raises(UnknownProduct, match=ean13(999)):
        catalog.lookup(ean13(999))


def test_bad_rows_are_reported_by_line_and_skipped(db_path):
    text = (
        "barcode,name,price,vat,category\n"
        f"{ean13(10)},Good,1.85,5.5,Food\n"
        f"{ean13(11)[:-1]}0,Bad digit,1.00,20,\n"
        f"{ean13(12)},Bad price,1.2.3,20,\n"
        f"{ean13(13)},Bad VAT,1.00,7,\n"
        f"{ean13(14)},,1.00,20,\n"
        f"{ean13(10)},Duplicate,1.00,20,\n"
        f"{ean13(15)},Too,many,columns,x,y\n"
        f"{ean13(16)},Also good,0.99,20\n"
    )
    rows, errors = catalog.parse_product_csv(text, RATES)
    assert [row.name for _, row in rows] == ["Good", "Also good"]
    lines = dict(errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8]
    assert "check digit" in lines[3]
    assert "not an amount" in lines[4]
    assert "not a configured rate" in lines[5]
    assert "name is empty" in lines[6]
    assert "already on line 2" in lines[7]
    assert "columns" in lines[8]
    report = catalog.import_products(rows)
    assert (report.added, report.updated) == (2, 0)
    assert catalog.lookup(ean13(10)).unit_price == 185


def test_reimport_updates_by_barcode(db_path):
    first, _ = catalog.parse_product_csv(f"barcode,name,price,vat\n{ean13(20)},Old,1,20\n", RATES)
    catalog.import_products(first)
    again, _ = catalog.parse_product_csv(f"barcode,name,price,vat\n{ean13(20)},New,2,20\n", RATES)
    report = catalog.import_products(again)
    assert (report.added, report.updated) == (0, 1)
    assert catalog.lookup(ean13(20)).name == "New"
    assert catalog.product_count() == 1


def test_missing_header_is_one_clear_error(db_path):
    with pytest.raises(ImportRowError, match="missing price"):
        catalog.parse_product_csv("barcode,name,vat\n1,2,3\n", RATES)
