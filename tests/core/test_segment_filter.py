"""The segment filter language: what it reads, and what it refuses in one plain sentence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from till.core.segment_filter import (
    MAX_CRITERIA,
    MAX_TEXT,
    Criterion,
    FilterRefused,
    parse_filter,
)


def test_every_kind_of_field_is_read():
    read = parse_filter(
        'spend_12m>=100 city=Lyon,"Le Havre" consent_email=yes birth_month=3 tag=vip'
        " recency<=90 postcode=69* visits>2 basket_6m<45,50 points>=-5 STATUS!=closed"
    )
    assert read.criteria == (
        Criterion("spend", ">=", (10000,), 12),
        Criterion("city", "=", ("Lyon", "Le Havre")),
        Criterion("consent_email", "=", (1,)),
        Criterion("birth_month", "=", (3,)),
        Criterion("tag", "=", ("vip",)),
        Criterion("recency", "<=", (90,)),
        Criterion("postcode", "=", ("69*",)),
        Criterion("visits", ">", (2,)),
        Criterion("basket", "<", (4550,), 6),
        Criterion("points", ">=", (-5,)),
        Criterion("status", "!=", ("closed",)),
    )


def test_amounts_follow_the_currency_decimals():
    assert parse_filter("spend>=100", precision=0).criteria[0].value == 100
    assert parse_filter("spend>=1.5", precision=3).criteria[0].value == 1500
    assert parse_filter("consent_sms=non").criteria[0].value == 0
    assert parse_filter("").criteria == ()


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("town=Lyon", "Unknown field town: the fields are city, postcode"),
        ("city", "city is not a criterion: write a field, a sign and a value, e.g. city=Lyon."),
        ("city=", "city needs a value after =."),
        ("city<Lyon", "city takes = != only."),
        ("consent_email=maybe", "consent_email is yes or no."),
        ("consent_email!=yes", "consent_email takes = only."),
        ("birth_month=0", "birth_month is a month, 1 to 12."),
        ("spend_25m>1", "spend_25m: a period is 1 to 24 months."),
        ("recency_3m<1", "Unknown field recency_3m"),
        ("visits>=-1", "visits cannot be negative."),
        ("visits>=1e3", "visits: 1e3 is not a whole number."),
        ("recency<=99999999999999", "recency: 99999999999999 is too large: at most 1"),
        ("points>-9999999999999", "points: -9999999999999 is too large: at most 1000000000000 "),
        ("visits>" + "9" * 99, "visits: 99999999999999999999999999999… is too large"),
        ("spend>=12.345", "spend: 12.345 has more than 2 decimals."),
        ("spend>=-3", "spend: An amount cannot be negative."),
        ("postcode=6*9", "postcode: a star only ends a value, e.g. 69*."),
        ("city=Lyon,", "city has an empty value."),
        ('city="Lyon', "A quote of the filter is not closed."),
        ("city=" + "x" * 101, "city: a value is at most 100 characters long."),
        ("city=" + ",".join("x" * 51), "city takes at most 50 values."),
        ("city=Ly\x1bon", "A filter holds letters, digits and signs only."),
        (" ".join(["visits>1"] * (MAX_CRITERIA + 1)), "A filter holds at most 20 criteria."),
        ("x" * (MAX_TEXT + 1), "A filter is at most 1000 characters long."),
    ],
)
def test_a_bad_filter_is_refused_in_plain_words(text, said):
    with pytest.raises(FilterRefused) as refused:
        parse_filter(text)
    assert str(refused.value).startswith(said)


def test_hostile_text_is_quoted_back_short_and_printable():
    with pytest.raises(FilterRefused) as refused:
        parse_filter("{__class__}" * 10 + "=1")
    said = str(refused.value)
    assert "{__class__}{__class__}" in said and said.count("__class__") < 4


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_never_a_crash(text):
    try:
        parse_filter(text)
    except FilterRefused as refused:
        assert str(refused) and "\x1b" not in str(refused)


def test_a_filter_is_kept_on_one_line():
    """Tabs and line breaks typed or pasted between criteria are kept as spaces: a saved
    filter prints on one line."""
    assert parse_filter("city=Lyon\n\tconsent_email=yes").text == "city=Lyon  consent_email=yes"
