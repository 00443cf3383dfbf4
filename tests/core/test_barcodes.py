import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum import ean

from till.core.barcodes import gtin_check_digit, normalise_code, parse_quantity, parse_scan_entry
from till.errors import BarcodeError


def test_valid_gtins_are_accepted_and_upc_a_becomes_ean_13():
    assert normalise_code("4006381333931") == "4006381333931"
    assert normalise_code("96385074") == "96385074"
    assert normalise_code("036000291452") == "0036000291452"


@pytest.mark.parametrize(
    ("code", "kind"),
    [("4006381333932", "EAN-13"), ("96385075", "EAN-8"), ("036000291453", "UPC-A")],
)
def test_wrong_check_digit_is_named(code, kind):
    with pytest.raises(BarcodeError, match=f"not a valid {kind}"):
        normalise_code(code)


@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_our_check_digit_is_python_stdnums(body):
    assert gtin_check_digit(body) == ean.calc_check_digit(body)


@given(
    st.sampled_from([8, 12, 13, 14]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_a_gtin_is_accepted_exactly_when_stdnum_says_it_is_valid(code):
    try:
        normalise_code(code)
    except BarcodeError:
        assert not ean.is_valid(code)
    else:
        assert ean.is_valid(code)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_ean13_with_the_computed_check_digit_is_valid(body):
    code = body + ean.calc_check_digit(body)
    assert normalise_code(code) == code
    wrong = body + str((int(code[-1]) + 1) % 10)
    with pytest.raises(BarcodeError):
        normalise_code(wrong)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Scan or type"),
        ("7" * 500, "500 characters"),
        ("ÿ€¤©", "characters no scanner sends"),
        ("12 34", "characters no scanner sends"),
        ("\x1b[31m", "characters no scanner sends"),
    ],
)
def test_junk_is_refused_with_a_plain_message(typed, message):
    with pytest.raises(BarcodeError, match=message):
        parse_scan_entry(typed)


def test_quantity_prefix():
    entry = parse_scan_entry("3*4006381333931")
    assert (entry.code, entry.quantity) == ("4006381333931", 3)
    with pytest.raises(BarcodeError, match="between 1 and"):
        parse_scan_entry("0*4006381333931")
    with pytest.raises(BarcodeError, match="not a quantity"):
        parse_scan_entry("x*4006381333931")
    assert parse_quantity(" 12 ") == 12


def test_shop_item_codes_pass_through():
    assert normalise_code("PLU42") == "PLU42"
