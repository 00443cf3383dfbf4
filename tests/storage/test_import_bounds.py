"""A product file can hold any text in any column: each row is imported or refused by line,
never an exception, and every figure stored is within its bound."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage import catalog
from till.core import bounds

from ..conftest import ean13

RATES = {550, 1000, 2000}
HEADER = "barcode,name,price,vat,category,cost,promo_price,discountable,stock\n"

numeric = st.one_of(
    st.from_regex(r"\A[0-9.,eE+ -]{0,30}\Z"),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.text(max_size=12),
)


def _csv(*cells: str) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return HEADER + out.getvalue()


@given(price=numeric, cost=numeric, promo=numeric, stock=numeric, vat=numeric)
def test_numeric_columns_never_raise_and_stay_in_bounds(price, cost, promo, stock, vat):
    text = _csv(ean13(1), "Thing", price, vat, "", cost, promo, "yes", stock)
    rows, errors = catalog.parse_product_csv(text, RATES)
    assert len(rows) + len(errors) == 1
    for _, row in rows:
        assert 0 <= row.price <= bounds.MAX_AMOUNT
        assert 0 <= row.cost <= bounds.MAX_AMOUNT
        assert row.stock is None or -bounds.MAX_STOCK <= row.stock <= bounds.MAX_STOCK


@pytest.mark.parametrize(
    "stock", ["1e23", "100000000000000000000000", "99999999999", "²", "1.5", "-1e3"]
)
def test_an_absurd_stock_is_a_row_error_naming_the_column(stock):
    rows, errors = catalog.parse_product_csv(
        _csv(ean13(1), "Thing", "1.00", "20", "", "", "", "", stock), RATES
    )
    assert rows == []
    assert [line for line, _ in errors] == [2]
    assert errors[0][1].startswith("stock: ")


def test_an_absurd_stock_never_reaches_the_database(db_path):
    text = _csv(ean13(1), "Thing", "1.00", "20", "", "", "", "", "100000000000000000000000")
    rows, errors = catalog.parse_product_csv(text, RATES)
    catalog.import_products(rows)
    assert catalog.product_count() == 0 and len(errors) == 1


@pytest.mark.parametrize("price", ["1e999999999", "1e23", "10000000.01", "1e-999999999"])
def test_an_absurd_price_is_a_row_error_naming_the_column(price):
    rows, errors = catalog.parse_product_csv(_csv(ean13(1), "Thing", price, "20"), RATES)
    assert rows == [] and errors[0][1].startswith("price: ")


@pytest.mark.parametrize("column", ["name", "category"])
@pytest.mark.parametrize(
    "bad", ["Drawer\x1bp0ddKick", "\x1b[2J\x1b]0;pwned\x07", "a\x9bb", "\u202eabc"]
)
def test_a_control_character_in_a_text_column_refuses_the_row_naming_it(column, bad):
    cells = {"name": "Thing", "category": ""} | {column: bad}
    text = _csv(ean13(1), cells["name"], "1.00", "20", cells["category"])
    rows, errors = catalog.parse_product_csv(text, RATES)
    assert rows == []
    assert errors[0][0] == 2 and errors[0][1].startswith(f"{column}: has a control character")


def test_line_breaks_and_tabs_in_a_name_fold_into_spaces():
    rows, errors = catalog.parse_product_csv(_csv(ean13(1), "Pain\tde\r\nmie", "1.00", "20"), RATES)
    assert errors == [] and rows[0][1].name == "Pain de mie"


def test_right_to_left_names_and_emoji_sequences_are_imported():
    for name in ("خبز عربي", "לחם", "Famille 👨\u200d👩\u200d👧"):
        rows, errors = catalog.parse_product_csv(_csv(ean13(1), name, "1.00", "20"), RATES)
        assert errors == [] and rows[0][1].name == name


def test_a_control_character_in_a_price_code_refuses_the_row():
    text = "price_code,barcode,price\n" + f"PRO\x1b[2J,{ean13(1)},1.00\nPRO,{ean13(1)},1e99999999\n"
    rows, errors = catalog.parse_price_list_csv(text)
    assert rows == []
    assert errors[0][0] == 2 and errors[0][1].startswith("price_code: has a control character")
    assert errors[1][0] == 3 and errors[1][1].startswith("price: ")


def test_a_parked_sale_name_typed_or_pasted_keeps_only_text(db_path):
    from storage import parked
    from till.core.sale import Cart

    catalog.import_products([(1, catalog.ProductRow(ean13(1), "Thing", 100, 2000))])
    cart = Cart()
    cart.add(catalog.lookup(ean13(1)))
    kept = parked.park(cart, "Mme\x1b]0;pwned\x07 Dupont", till_no=1)
    assert kept.name == "Mme]0;pwned Dupont"
