"""Segments: the sales figures kept with each sale and refund, and a segment's count equal to
a plain SQL count over the same data, written here apart from storage/segments.py."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import catalog, customer_stats, customers, returns, sales, segments
from storage.db import close_database, open_database
from storage.models import database
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.core.segment_filter import parse_filter

from ..conftest import PRODUCTS

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
CITIES = ("Lyon", "Paris", "Nantes")
BAGUETTE, VIN = PRODUCTS[0][0], PRODUCTS[3][0]


def _customer(**values) -> SaleCustomer:
    record = customers.create_customer(
        {"last_name": "Lee", **values}, actor="t", till_no=1, region="FR"
    )
    return SaleCustomer(record.id, record.code, "LEE")


def _sell(customer, *lines, now=NOW):
    cart = Cart(customer=customer)
    for code, quantity in lines:
        cart.add(catalog.lookup(code), quantity)
    cart.pay(PaymentMethod.CARD, cart.total)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", now=now)


def _kept() -> tuple[list, list]:
    stats = database.execute_sql("SELECT * FROM customer_stats ORDER BY 1").fetchall()
    months = database.execute_sql("SELECT * FROM customer_month ORDER BY 1, 2").fetchall()
    return stats, months


def test_a_sale_and_a_refund_keep_the_figures_a_rebuild_finds(stocked_db):
    ann, bob = _customer(), _customer(last_name="Bob")
    first = _sell(ann, (VIN, 3), now=NOW - timedelta(days=40))
    _sell(ann, (BAGUETTE, 2), now=NOW)
    _sell(bob, (BAGUETTE, 1), now=NOW - timedelta(days=400))
    _sell(None, (BAGUETTE, 1))
    refund = returns.record_return(
        first.receipt_code,
        {1: 1},
        PaymentMethod.CARD,
        till_no=1,
        seller="Ann",
        currency="EUR",
        approved_by="Boss",
        now=NOW,
    )

    figures = customer_stats.figures(ann.id)
    assert figures == {
        "first_sale_at": first.created_at,
        "last_sale_at": NOW.isoformat(),
        "visits": 2,  # the refund is no visit
        "spend": first.total + 2 * 120 + refund.total,
    }
    kept = _kept()
    assert len(kept[0]) == 2 and len(kept[1]) == 3  # Ann's October and December, Bob's
    assert customer_stats.rebuild() == 2
    assert _kept() == kept


def test_another_tills_sales_from_the_feed_count_once_as_a_rebuild_finds(db_path):
    from .test_remote_sales import apply, payload

    ann = _customer()
    sale = payload(ann.id, 7, "2026-12-01T12:00:00+02:00")
    refund = payload(ann.id, 8, "2026-12-01T13:00:00+02:00", total=-290, refund_of=sale["id"])
    apply(sale, refund)
    apply(sale)  # the feed replayed: counted once

    assert customer_stats.figures(ann.id) == {
        "first_sale_at": "2026-12-01T10:00:00.000000+00:00",
        "last_sale_at": "2026-12-01T10:00:00.000000+00:00",
        "visits": 1,
        "spend": 500,
    }
    kept = _kept()
    customer_stats.rebuild()
    assert _kept() == kept


def test_a_merge_moves_the_figures_to_the_survivor(stocked_db):
    from storage.customer_merge import merge_customers

    keep, other = _customer(last_name="Keep"), _customer(last_name="Other")
    _sell(keep, (BAGUETTE, 1))
    _sell(other, (VIN, 1))
    merge_customers(keep.id, other.id, actor="t", approved_by="Boss")

    assert customer_stats.figures(other.id) is None
    assert customer_stats.figures(keep.id)["visits"] == 2
    kept = _kept()
    customer_stats.rebuild()
    assert _kept() == kept


def test_the_campaigns_get_the_standing_customers_of_a_saved_segment(stocked_db):
    lee, roy, ann, bob = (_customer(last_name=n, city="Lyon") for n in ("Lee", "Roy", "Ann", "Bob"))
    for customer in (lee, roy, ann, bob):
        _sell(customer, (VIN, 1))  # 7.90
    database.execute_sql("UPDATE customer SET active = 0 WHERE id = ?", (roy.id,))
    database.execute_sql("UPDATE customer SET anonymised_at = 'x' WHERE id = ?", (ann.id,))
    database.execute_sql("UPDATE customer SET merged_into = ? WHERE id = ?", (lee.id, bob.id))
    # typed in a currency without decimals: 790 is 790 minor units, whatever the default
    segments.save_segment("Big", parse_filter("spend>=790", precision=0), "t", money_decimals=0)

    assert segments.segment_exists("big") and not segments.segment_exists("small")
    assert list(segments.segment_customer_ids("BIG")) == [lee.id]
    with pytest.raises(segments.SegmentNotFound, match="No segment is named small"):
        segments.segment_customer_ids("small")  # at once, not when read


# The count against plain SQL, over random customers and sales.

people = st.lists(
    st.fixed_dictionaries(
        {
            "city": st.sampled_from(CITIES),
            "consent_email": st.booleans(),
            "birth_month": st.integers(1, 12),
            "tags": st.sampled_from(["", "vip", "vip,wine", "wine"]),
            "standing": st.sampled_from(["yes", "yes", "yes", "inactive", "anonymised"]),
        }
    ),
    min_size=1,
    max_size=8,
)
bought = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, 500), st.integers(1, 20_000), st.booleans()),
    max_size=20,
)
thresholds = st.tuples(
    st.sampled_from(CITIES),
    st.integers(0, 30_000),
    st.integers(0, 400),
    st.integers(1, 24),
    st.integers(0, 4),
    st.integers(1, 12),
)

_seq = itertools.count()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=people, bought=bought, limits=thresholds)
def test_a_segment_counts_what_plain_sql_counts(tmp_path: Path, people, bought, limits):
    close_database()
    open_database(tmp_path / f"count{next(_seq)}.db")
    try:
        ids = [_plain_customer(n, person) for n, person in enumerate(people)]
        for receipt, (who, days_ago, total, refund) in enumerate(bought, 1):
            _plain_sale(receipt, ids[who % len(ids)], NOW - timedelta(days=days_ago), total, refund)
        customer_stats.rebuild()
        city, spend, days, months, visits, month = limits
        for text, expected in _questions(city, spend, days, months, visits, month):
            assert segments.count(parse_filter(text), NOW) == expected, text
    finally:
        close_database()


def _questions(city, spend, days, months, visits, month):
    since = f"{(NOW.year * 12 + NOW.month - months) // 12:04d}-" + (
        f"{(NOW.year * 12 + NOW.month - months) % 12 + 1:02d}"
    )
    standing = "merged_into IS NULL AND anonymised_at = '' AND active = 1"
    own = "FROM sale WHERE sale.customer_id = customer.id"
    cutoff = (NOW - timedelta(days=days + 1)).isoformat()
    questions = {
        f"city={city} consent_email=yes spend_{months}m>={spend / 100:.2f}": (
            f"city = ? AND consent_email AND (SELECT COALESCE(SUM(total), 0) {own}"
            " AND substr(created_at, 1, 7) >= ?) >= ?",
            [city, since, spend],
        ),
        f"recency<={days} visits>={visits} tag=vip": (
            f"(SELECT MAX(created_at) {own} AND refund_of IS NULL) > ?"
            f" AND (SELECT COUNT(*) {own} AND refund_of IS NULL) >= ?"
            " AND EXISTS (SELECT 1 FROM json_each(targeting) WHERE value = 'vip')",
            [cutoff, visits],
        ),
        f"birth_month!={month} basket_{months}m<{spend / 100:.2f} city!={city}": (
            f"CAST(substr(birth_date, 6, 2) AS INTEGER) != ? AND city != ?"
            f" AND (SELECT SUM(total) < ? * SUM(refund_of IS NULL) {own}"
            " AND substr(created_at, 1, 7) >= ? HAVING SUM(refund_of IS NULL) > 0)",
            [month, city, spend, since],
        ),
        f"recency<={days} visits_{months}m>={visits}": (
            f"(SELECT MAX(created_at) {own} AND refund_of IS NULL) > ?"
            f" AND (SELECT COUNT(*) {own} AND refund_of IS NULL"
            " AND substr(created_at, 1, 7) >= ?) >= ?",
            [cutoff, since, visits],
        ),
        f"recency>{days} spend<{spend / 100:.2f}": (
            f"(SELECT MAX(created_at) {own} AND refund_of IS NULL) <= ?"
            f" AND (SELECT COALESCE(SUM(total), 0) {own}) < ?",
            [cutoff, spend],
        ),
    }
    for text, (sql, params) in questions.items():
        row = database.execute_sql(
            f"SELECT COUNT(*) FROM customer WHERE {standing} AND {sql}", params
        ).fetchone()
        yield text, row[0]


def _plain_customer(n: int, person: dict) -> str:
    record = customers.create_customer(
        {
            "last_name": f"P{n}",
            "city": person["city"],
            "consent_email": person["consent_email"],
            "birth_date": f"1980-{person['birth_month']:02d}-15",
            "targeting": person["tags"],
        },
        actor="t",
        till_no=1,
        region="FR",
    )
    if person["standing"] == "inactive":
        database.execute_sql("UPDATE customer SET active = 0 WHERE id = ?", (record.id,))
    elif person["standing"] == "anonymised":
        database.execute_sql(
            "UPDATE customer SET anonymised_at = ? WHERE id = ?", (NOW.isoformat(), record.id)
        )
    return record.id


def _plain_sale(receipt: int, customer_id: str, at: datetime, total: int, refund: bool) -> None:
    database.execute_sql(
        "INSERT INTO sale (id, till_no, receipt_no, receipt_code, created_at, seller, currency,"
        " total, item_count, change_given, previous_hash, journal_hash, customer_id, refund_of)"
        " VALUES (?, 1, ?, ?, ?, 'Ann', 'EUR', ?, 1, 0, '', '', ?, ?)",
        (
            f"s{receipt}",
            receipt,
            f"01-{receipt:06d}",
            at.isoformat(),
            -total if refund else total,
            customer_id,
            "s0" if refund else None,
        ),
    )


def test_postcodes_by_prefix_and_list(db_path):
    for n, postcode in enumerate(("69001", "69100", "6900", "75001", "")):
        customers.create_customer(
            {"last_name": f"P{n}", "postcode": postcode}, actor="t", till_no=1, region="GB"
        )
    counted = {
        text: segments.count(parse_filter(text))
        for text in ("postcode=69*", "postcode!=69*", "postcode=69001,75*", "postcode=\U0010ffff*")
    }
    assert counted == {
        "postcode=69*": 3,
        "postcode!=69*": 2,
        "postcode=69001,75*": 2,
        "postcode=\U0010ffff*": 0,
    }
