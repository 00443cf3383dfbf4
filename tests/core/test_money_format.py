"""MoneyFormat's own formatting matches babel's, and its cache of babel's pattern."""

import json
from decimal import Decimal

import pytest
from babel.numbers import format_currency, get_currency_precision
from hypothesis import given
from hypothesis import strategies as st

from till.core import money
from till.core.money import CurrencyPattern, MoneyFormat, cached_pattern, pattern_from_babel

LOCALES = ["fr_FR", "en_GB", "en_US", "de_DE", "de_CH", "en_IN", "nl_NL", "ar_EG", "he_IL", "fa_IR"]
CURRENCIES = ["EUR", "GBP", "CHF", "JPY", "KWD", "INR"]


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "till"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("currency", CURRENCIES)
@given(minor=st.integers(-(10**13), 10**13))
def test_the_pattern_formats_as_babel_does(locale, currency, minor):
    pattern = pattern_from_babel(currency, locale)
    assert pattern is not None
    exact = Decimal(minor).scaleb(-get_currency_precision(currency))
    assert pattern.format(minor) == format_currency(exact, currency, locale=locale)


def test_the_pattern_is_read_back_from_the_cache_without_babel(cache_home, monkeypatch):
    first = MoneyFormat("EUR", "fr_FR")
    assert first.for_print(123456) == "1 234,56 €"
    assert len(list(cache_home.glob("money-*-fr_FR-EUR.json"))) == 1

    def no_babel(currency, locale):
        raise AssertionError("babel's locale data loaded again")

    monkeypatch.setattr(money, "pattern_from_babel", no_babel)
    again = MoneyFormat("EUR", "fr_FR")
    assert again(-123456) == first(-123456)
    assert again.precision == 2
    assert again.plain(5) == "0,05"  # typed as the locale writes it


@pytest.mark.parametrize("content", ["not json", "{}", '{"precision": "2"}', "[1, 2]"])
def test_a_damaged_cache_is_replaced(cache_home, content):
    MoneyFormat("GBP", "en_GB")(0)
    [path] = cache_home.glob("money-*-en_GB-GBP.json")
    path.write_text(content)
    assert MoneyFormat("GBP", "en_GB")(1250) == "£12.50"
    assert CurrencyPattern.from_json(json.loads(path.read_text())).format(-5) == "-£0.05"


def test_without_a_writable_cache_babel_still_formats(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert MoneyFormat("JPY", "ja_JP")(1250) == "￥1,250"
    assert cached_pattern("JPY", "ja_JP") is not None


def test_a_locale_name_is_never_a_path(cache_home):
    with pytest.raises(ValueError):
        cached_pattern("EUR", "fr_FR/../../x")
    assert not cache_home.exists()
