"""The domain's refusals are messages as data: each keeps its English message id (the key of
its translations) and its values apart, says the same English as before, and is worded in the
till's language where it is shown."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from typing import Any

import pytest

from till import i18n
from till.core.barcodes import normalise_code, parse_quantity
from till.core.bounds import check_points_adjustment, check_range, parse_whole
from till.core.closures import parse_day
from till.core.customer_columns import parse_mapping
from till.core.money import parse_amount, parse_rate
from till.core.returns import parse_receipt_number
from till.core.sale import Cart
from till.errors import TillError
from till.i18n import use_language

CASES: list[tuple[Callable[[], Any], str, dict[str, Any], str]] = [
    (lambda: normalise_code(" "), "Scan or type a code.", {}, "Scan or type a code."),
    (
        lambda: normalise_code("4006381333932"),
        "{code} is not a valid {kind}: the check digit is wrong.",
        {"code": "4006381333932", "kind": "EAN-13"},
        "4006381333932 is not a valid EAN-13: the check digit is wrong.",
    ),
    (
        lambda: parse_quantity("x"),
        "{text!r} is not a quantity: type a whole number.",
        {"text": "x"},
        "'x' is not a quantity: type a whole number.",
    ),
    (
        lambda: check_range(12345, "stock", 0, 1000),
        "{what}: {value:,} is outside {low:,} to {high:,}.",
        {"what": "stock", "value": 12345, "low": 0, "high": 1000},
        "stock: 12,345 is outside 0 to 1,000.",
    ),
    (
        lambda: check_range(2**70, "stock", 0, 1000),
        "{what}: a number that large is outside {low:,} to {high:,}.",
        {"what": "stock", "low": 0, "high": 1000},
        "stock: a number that large is outside 0 to 1,000.",
    ),
    (
        lambda: parse_whole("1e3", "points", 0, 10),
        "{what}: a whole number, got {text}.",
        {"what": "points", "text": "'1e3'"},
        "points: a whole number, got '1e3'.",
    ),
    (
        lambda: check_points_adjustment(10, 999_999_995),
        "points: the balance would be {balance:,}, beyond {most:,} either way.",
        {"balance": 1_000_000_005, "most": 1_000_000_000},
        "points: the balance would be 1,000,000,005, beyond 1,000,000,000 either way.",
    ),
    (
        lambda: parse_amount("12.345"),
        "{text} has more than {precision} decimals.",
        {"text": "12.345", "precision": 2},
        "12.345 has more than 2 decimals.",
    ),
    (
        lambda: parse_rate("5.555"),
        "{text}% has more than two decimals.",
        {"text": "5.555"},
        "5.555% has more than two decimals.",
    ),
    (
        lambda: parse_day("31/12"),
        "{text!r}: not a day; write it YYYY-MM-DD.",
        {"text": "31/12"},
        "'31/12': not a day; write it YYYY-MM-DD.",
    ),
    (
        lambda: parse_receipt_number("abc"),
        "{text!r} is not a receipt number: scan the receipt's barcode or type it like 01-000042.",
        {"text": "abc"},
        "'abc' is not a receipt number: scan the receipt's barcode or type it like 01-000042.",
    ),
    (
        lambda: parse_mapping({"Nom": "nickname_x"}),
        "{field!r} is not a customer field.",
        {"field": "nickname_x"},
        "'nickname_x' is not a customer field.",
    ),
    (
        lambda: Cart().void(0),
        "Select a line first.",
        {},
        "Select a line first.",
    ),
]


@pytest.mark.parametrize(("refused", "message_id", "params", "english"), CASES)
def test_a_refusal_keeps_its_message_id_and_values_apart(refused, message_id, params, english):
    use_language("en")
    with pytest.raises(TillError) as caught:
        refused()
    assert (caught.value.message_id, caught.value.params) == (message_id, params)
    assert str(caught.value) == english


class Catalog(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


def test_a_refusal_of_the_domain_is_worded_in_french_where_it_is_shown(monkeypatch):
    with pytest.raises(TillError) as caught:
        parse_amount("12.345")
    use_language("fr")
    french = {
        "{text} has more than {precision} decimals.": "{text} a plus de {precision} décimales."
    }
    monkeypatch.setattr(i18n._active, "catalog", Catalog(french))
    try:
        assert str(caught.value) == "12.345 a plus de 2 décimales."
    finally:
        use_language("en")
