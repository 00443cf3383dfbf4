"""One formatter per kind of value, following the locale: dates and times as babel writes them
(without keeping babel's locale data loaded), percentages, typed amounts, counts."""

import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from hypothesis import given
from hypothesis import strategies as st

from till.core import formats as formats_module
from till.core.formats import (
    Formats,
    LocalePatterns,
    count,
    for_print,
    patterns_from_babel,
)
from till.core.money import MoneyFormat, parse_amount

LOCALES = ["fr_FR", "en_US", "en_GB", "de_DE", "ja_JP", "zh_CN", "pt_BR", "hi_IN", "ko_KR"]
moments = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2099, 12, 31))


@pytest.fixture(autouse=True)
def cache_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "till"


@pytest.mark.parametrize("locale", LOCALES)
@given(moment=moments)
def test_dates_and_times_read_as_babel_writes_them(locale, moment):
    ours = Formats(locale)
    assert ours.patterns.numeric  # formatted here, without babel's locale data
    assert ours.date_time(moment) == format_datetime(moment, "short", locale=locale)
    assert ours.date(moment.date()) == format_date(moment.date(), "short", locale=locale)


def test_one_way_to_write_a_moment_whatever_it_comes_as():
    french = Formats("fr_FR")
    stored = "2026-12-01T20:16:42.123456+00:00"  # how the database keeps it: UTC
    local = datetime.fromisoformat(stored).astimezone()
    expected = f"{local:%d/%m/%Y %H:%M}"
    assert french.date_time(stored) == french.date_time(local) == expected
    assert french.date("2026-12-01") == "01/12/2026"
    assert Formats("en_US").date_time(datetime(2026, 12, 1, 20, 16)) == "12/1/26, 8:16\u202fPM"


def test_rates_follow_the_locale():
    assert for_print(Formats("fr_FR").rate(550)) == "5,5 %"
    assert for_print(Formats("fr_FR").rate(2000)) == "20 %"
    assert Formats("en_US").rate(550) == "5.5%"
    assert Formats("de_DE").rate(210) == "2,1\xa0%"


@pytest.mark.parametrize(
    ("currency", "locale", "minor", "typed"),
    [
        ("EUR", "fr_FR", 2396, "23,96"),
        ("EUR", "de_DE", 5, "0,05"),
        ("USD", "en_US", 2396, "23.96"),
        ("JPY", "ja_JP", 2396, "2396"),
        ("KWD", "ar_KW", 2396, "2.396"),
    ],
)
def test_amounts_are_prefilled_as_the_locale_types_them(currency, locale, minor, typed):
    money = MoneyFormat(currency, locale)
    assert money.plain(minor) == typed
    assert parse_amount(typed, money.precision) == minor


@given(minor=st.integers(0, 10**9))
def test_a_prefilled_amount_reads_back_the_same(minor):
    money = MoneyFormat("EUR", "fr_FR")
    assert parse_amount(money.plain(minor), money.precision) == minor


def test_counts_say_one_and_many():
    assert count(1, "item") == "1 item"
    assert count(2, "item") == "2 items"
    assert count(0, "item") == "0 items"
    assert count(1, "try", "tries") == "1 try"
    assert count(3, "try", "tries") == "3 tries"
    assert count(-1, "point") == "-1 points"


def test_the_patterns_come_back_from_the_cache_without_babel(cache_home, monkeypatch):
    first = Formats("fr_FR")
    when = datetime(2026, 12, 1, 20, 16)
    assert first.date_time(when) == "01/12/2026 20:16"
    assert len(list(cache_home.glob("formats-*-fr_FR.json"))) == 1

    def no_babel(locale):
        raise AssertionError("babel's locale data loaded again")

    monkeypatch.setattr(formats_module, "patterns_from_babel", no_babel)
    again = Formats("fr_FR")
    assert again.date_time(when) == first.date_time(when)
    assert again.rate(550) == first.rate(550)


def test_a_damaged_cache_is_replaced(cache_home):
    Formats("en_GB").date(date(2026, 1, 2))
    [path] = cache_home.glob("formats-*-en_GB.json")
    path.write_text('{"date": 1}')
    assert Formats("en_GB").date(date(2026, 1, 2)) == "02/01/2026"
    assert LocalePatterns.from_json(json.loads(path.read_text())) == patterns_from_babel("en_GB")


def test_a_register_formatting_from_its_cache_never_loads_babel_s_locale_data(tmp_path):
    """What docs/performance.md counts on: once cached, babel's locale data stays unloaded."""
    code = (
        "import sys, babel.localedata as data\n"
        "from datetime import datetime\n"
        "from till.core.formats import formats_for, count\n"
        "from till.core.money import MoneyFormat\n"
        "f = formats_for('fr_FR')\n"
        "shown = [f.date_time(datetime(2026, 12, 1, 20, 16)), f.rate(550), f.date('2026-12-01'),\n"
        "         MoneyFormat('EUR', 'fr_FR').plain(2396), count(2, 'item')]\n"
        "print(repr(shown)); print(sorted(data._cache))\n"
    )
    env = {"XDG_CACHE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TZ": "UTC"}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.splitlines()[0] == second.stdout.splitlines()[0]
    assert "fr" in first.stdout.splitlines()[1]  # the first run asked babel
    assert second.stdout.splitlines()[1] == "[]"  # the second read only its cache


def test_a_timestamp_with_another_offset_is_shown_in_local_time():
    moment = datetime(2026, 12, 1, 23, 30, tzinfo=UTC) - timedelta(hours=5)
    assert Formats("fr_FR").date_time(moment) == f"{moment.astimezone():%d/%m/%Y %H:%M}"
    assert Decimal(Formats("fr_FR").decimal(Decimal("1.50"), 2).replace(",", ".")) == Decimal("1.5")


def test_a_phone_number_reads_nationally_at_home_and_internationally_from_abroad():
    assert Formats("fr_FR").phone("+33612345678") == "06 12 34 56 78"
    assert Formats("en_GB").phone("+33612345678") == "+33 6 12 34 56 78"
    assert Formats("en_GB").phone("+442079460958") == "020 7946 0958"
    assert Formats("fr_FR").phone("") == ""
