"""The barcode classifier on hostile input: whatever reaches the scan field (a scanner's
burst, a paste, a keyboard with a stuck key) is a product code and a quantity, or a
BarcodeError a cashier can read; never another exception, never a slow scan."""

from __future__ import annotations

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from till.core.barcodes import (
    MAX_CODE_LENGTH,
    MAX_QUANTITY,
    normalise_code,
    parse_quantity,
    parse_scan_entry,
)
from till.core.returns import parse_receipt_number
from till.errors import BarcodeError, InvalidSale, TillError, UnknownProduct
from till.register import Register

from ..conftest import PRODUCTS
from .budget import fuzz

SCANNABLE = string.ascii_letters + string.digits + "-._/+$%"

scan_texts = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=SCANNABLE + "* \t\n\r", max_size=70),
    st.from_regex(r"\A\s*[0-9٠-٩²³¹]{0,5}\s*\*\s*[0-9]{6,15}\s*\Z"),
    st.sampled_from([p[0] for p in PRODUCTS]).map(lambda code: f"3*{code}"),
    st.text(min_size=1, max_size=3).map(lambda piece: piece * 40_000),  # a 100 kB paste
)


@fuzz(200)
@given(scan_texts)
@example("9" * 100_000 + "*" + PRODUCTS[0][0])
@example("*" * 100_000)
@example("1" * 4300 + "*1")  # past Python's int-from-text limit, were it parsed
def test_a_scan_is_a_code_and_a_quantity_or_a_barcode_error(text):
    try:
        entry = parse_scan_entry(text)
    except BarcodeError as refused:
        message = str(refused)
        assert message.isprintable() and len(message) < 300
        return
    assert 0 < len(entry.code) <= MAX_CODE_LENGTH + 1  # a UPC-A gains its leading zero
    assert set(entry.code) <= set(SCANNABLE)
    assert 1 <= entry.quantity <= MAX_QUANTITY
    assert normalise_code(entry.code) == entry.code  # the stored form is its own form


@fuzz(200)
@given(st.text(max_size=40))
@example("²")
@example("٣")
def test_a_quantity_is_a_whole_number_in_bounds_or_a_barcode_error(text):
    try:
        quantity = parse_quantity(text)
    except BarcodeError:
        return
    assert 1 <= quantity <= MAX_QUANTITY


@fuzz(100)
@given(st.one_of(st.text(max_size=30), st.from_regex(r"\A[0-9\s-]{1,14}\Z")))
def test_a_receipt_number_is_read_or_refused_plainly(text):
    try:
        number = parse_receipt_number(text)
    except InvalidSale as refused:
        assert str(refused).isprintable()
        return
    assert number.isascii()


@pytest.fixture
def register(settings):
    register = Register(settings)
    yield register
    register.close()


@fuzz(100)
@given(text=scan_texts)
@example(text=f" 2 * {PRODUCTS[1][0]} ")
def test_a_scan_at_the_register_sells_a_product_or_says_why_not(register, text):
    try:
        item, quantity = register.scan(text)
    except (BarcodeError, UnknownProduct):
        return
    except TillError as other:  # pragma: no cover - a failure names what it was
        pytest.fail(f"{text!r} raised {type(other).__name__}: {other}")
    assert item.code in {code for code, *_ in PRODUCTS}
    assert item.name.isprintable()
    assert 1 <= quantity <= MAX_QUANTITY
