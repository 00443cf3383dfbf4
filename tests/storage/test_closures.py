"""Closures on a real database: the Z against the day's sales and refunds, numbering and grand
totals across several Z, months and years as sums of their parts, what cannot be closed, and
a closure altered behind SQLite's back found by verify_closures."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from storage import catalog, closures, returns, sales
from storage.closure_check import verify_closures as verify_closure_reasons
from storage.models import database
from till.core.closures import ClosureKind, ClosureRefused
from till.core.sale import Cart, PaymentMethod, RecordedSale

from ..conftest import PRODUCTS

BAGUETTE, SAVON, VIN = PRODUCTS[0][0], PRODUCTS[2][0], PRODUCTS[3][0]
CASH, CARD = PaymentMethod.CASH, PaymentMethod.CARD


@pytest.fixture
def paris(monkeypatch):
    """The shop's clock in Paris (UTC+1 in winter): a local day is not a UTC day."""
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"


def verify_closures(key_dir: Path) -> list[str]:
    """The closures' problems as an English reader reads them."""
    return [str(problem) for problem in verify_closure_reasons(key_dir)]


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """A Paris winter time as UTC (one hour earlier)."""
    local = datetime.fromisoformat(f"{day}T{hour:02d}:{minute:02d}:00+01:00")
    return local.astimezone(UTC)


def sell(when: datetime, *lines: tuple[str, int], method=CASH, extra: int = 0) -> RecordedSale:
    cart = Cart()
    for code, quantity in lines:
        cart.add(catalog.lookup(code), quantity)
    cart.pay(method, cart.total + extra)
    return sales.record_sale(
        cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False, now=when
    )


def refund(sale: RecordedSale, quantities: dict[int, int], when: datetime, method=CASH):
    return returns.record_return(
        sale.receipt_code,
        quantities,
        method,
        till_no=1,
        seller="Ann",
        currency="EUR",
        print_receipt=False,
        now=when,
    )


def close(day: str | None, now: datetime, key_dir: Path, **cash) -> closures.Closure:
    return closures.close_day(
        1,
        date.fromisoformat(day) if day else None,
        key_dir=key_dir,
        currency="EUR",
        actor="Boss (shell)",
        approved_by="",
        now=now,
        **cash,
    )


def close_month(month: str, now: datetime, key_dir: Path) -> closures.Closure:
    year, number = (int(part) for part in month.split("-"))
    return closures.close_month(
        1, year, number, key_dir=key_dir, currency="EUR", actor="Boss", approved_by="", now=now
    )


def test_the_z_totals_are_the_days_sales_and_refunds(stocked_db, paris, key_dir):
    # 00:30 in Paris is still the day before in UTC: it belongs to the 30th all the same
    first = sell(at("2026-11-30", 0, 30), (BAGUETTE, 2), (VIN, 1), extra=970)  # 10.30, 20 given
    second = sell(at("2026-11-30", 11), (SAVON, 1), method=CARD)  # 2.50
    returned = refund(first, {2: 1}, at("2026-11-30", 15))  # the wine back in cash: -7.90
    sell(at("2026-12-01", 0, 10), (VIN, 1))  # the next day: not in this Z

    z = close("2026-11-30", at("2026-12-01", 9), key_dir, opening=5000, counted=5200)

    assert (z.kind, z.number, z.period) == (ClosureKind.DAY, 1, "2026-11-30")
    assert (z.first_receipt, z.last_receipt, z.receipt_count) == ("01-000001", "01-000003", 3)
    totals = z.totals
    assert (totals.sales_count, totals.sales_total) == (2, 1030 + 250)
    assert (totals.refunds_count, totals.refunds_total) == (1, -790)
    assert totals.net_total == 490
    assert totals.by_method == (("cash", 1030 - 790), ("card", 250))
    assert totals.cash_refunded == -790
    vat = defaultdict(lambda: [0, 0, 0])
    for recorded in (first, second, returned):
        for line in recorded.vat:
            vat[line.rate_bp] = [
                a + b
                for a, b in zip(vat[line.rate_bp], (line.gross, line.net, line.vat), strict=True)
            ]
    assert [(v.rate_bp, v.gross, v.net, v.vat) for v in totals.vat] == [
        (rate, *vat[rate]) for rate in (2000, 550)
    ]
    assert [v.gross for v in totals.vat] == [250, 240]  # the wine sold and refunded: 0 left
    assert (z.grand.total, z.grand.absolute) == (490, 1280 + 790)
    assert z.cash is not None
    assert (z.cash.opening, z.cash.expected, z.cash.counted) == (5000, 5240, 5200)
    assert z.cash.difference == -40
    assert z.head.receipt_no == 4  # the journal's end when the Z was taken: the next day's sale
    assert closures.closures(1) == [z]  # what was written reads back the same


def test_z_numbers_and_grand_totals_run_on_across_days(stocked_db, paris, key_dir):
    nets, absolutes = [], []
    for n, day in enumerate(("2026-11-27", "2026-11-28", "2026-11-29"), start=1):
        sold = sell(at(day, 10), (VIN, n))
        refunded = refund(sold, {1: 1}, at(day, 11)) if n > 1 else None
        z = close(day, at(day, 20), key_dir)
        nets.append(sold.total + (refunded.total if refunded else 0))
        absolutes.append(sold.total - (refunded.total if refunded else 0))
        assert z.number == n
        assert z.grand.total == sum(nets)
        assert z.grand.absolute == sum(absolutes)
    quiet = close("2026-11-30", at("2026-11-30", 20), key_dir)  # no sale: still a Z
    assert (quiet.number, quiet.receipt_count, quiet.totals.net_total) == (4, 0, 0)
    assert quiet.grand.total == sum(nets) == 790 + 790 + 1580
    assert [z.number for z in closures.closures(1, ClosureKind.DAY)] == [1, 2, 3, 4]
    assert verify_closures(key_dir) == []


def test_a_sale_after_todays_z_is_in_the_next_z(stocked_db, paris, key_dir):
    sell(at("2026-11-30", 10), (BAGUETTE, 1))
    z = close(None, at("2026-11-30", 15), key_dir)  # today, at 15:00: up to now
    late = sell(at("2026-11-30", 16), (SAVON, 1))
    assert z.totals.sales_total == 120 and z.closed_at == at("2026-11-30", 15).isoformat()
    x = closures.x_report(1, currency="EUR", now=at("2026-12-01", 9))
    assert (x.is_x, x.totals.sales_total, x.first_receipt) == (True, 250, late.receipt_code)
    assert closures.closures(1) == [z]  # the X report closed nothing

    following = close("2026-12-01", at("2026-12-01", 20), key_dir)
    assert following.totals == x.totals
    assert (following.first_receipt, following.opened_at) == (late.receipt_code, z.closed_at)


def test_a_day_is_closed_once_and_in_order(stocked_db, paris, key_dir):
    sell(at("2026-11-28", 10), (BAGUETTE, 1))
    sell(at("2026-11-29", 10), (BAGUETTE, 1))
    now = at("2026-11-30", 9)
    with pytest.raises(ClosureRefused, match="close 2026-11-28 first"):
        close("2026-11-29", now, key_dir)
    with pytest.raises(ClosureRefused, match="has not begun"):
        close("2026-12-01", now, key_dir)
    first = close("2026-11-28", now, key_dir)
    with pytest.raises(ClosureRefused, match=r"already closed \(Z 1"):
        close("2026-11-28", now, key_dir)
    close("2026-11-29", now, key_dir)
    with pytest.raises(ClosureRefused, match="already closed"):
        close("2026-11-28", now, key_dir)
    assert first.totals.sales_count == 1
    assert [z.number for z in closures.closures(1)] == [1, 2]


def test_a_month_is_the_sum_of_its_days_and_a_year_of_its_months(stocked_db, paris, key_dir):
    days = []
    for day, code in (("2026-11-02", VIN), ("2026-11-15", SAVON), ("2026-11-30", BAGUETTE)):
        sold = sell(at(day, 10), (code, 2), method=CARD)
        refund(sold, {1: 1}, at(day, 12), method=CARD)
        days.append(close(day, at(day, 20), key_dir))
    with pytest.raises(ClosureRefused, match="not over"):
        close_month("2026-11", at("2026-11-30", 21), key_dir)

    month = close_month("2026-11", at("2026-12-01", 8), key_dir)

    assert (month.number, month.period) == (1, "2026-11")
    assert month.totals.sales_total == sum(d.totals.sales_total for d in days)
    assert month.totals.refunds_total == sum(d.totals.refunds_total for d in days)
    assert month.totals.by_method == (("card", sum(d.totals.net_total for d in days)),)
    assert month.grand == days[-1].grand  # the first month: the same perpetual totals
    assert (month.first_receipt_no, month.last_receipt_no) == (1, 6)
    with pytest.raises(ClosureRefused, match="already closed"):
        close_month("2026-11", at("2026-12-01", 8), key_dir)

    year = closures.close_year(
        1,
        2026,
        key_dir=key_dir,
        currency="EUR",
        actor="Boss",
        approved_by="",
        now=at("2027-01-02", 8),
    )
    assert year.totals == month.totals and year.grand == month.grand
    assert verify_closures(key_dir) == []


def test_a_month_with_a_day_left_open_is_refused(stocked_db, paris, key_dir):
    sell(at("2026-11-02", 10), (VIN, 1))
    sell(at("2026-11-03", 10), (VIN, 1))
    close("2026-11-02", at("2026-11-02", 20), key_dir)
    with pytest.raises(ClosureRefused, match="Close the days of 2026-11 first: 2026-11-03"):
        close_month("2026-11", at("2026-12-01", 8), key_dir)
    with pytest.raises(ClosureRefused, match="Close the months of 2026 first: 2026-11"):
        closures.close_year(
            1,
            2026,
            key_dir=key_dir,
            currency="EUR",
            actor="B",
            approved_by="",
            now=at("2027-01-02", 8),
        )


def test_closures_refuse_update_and_delete(stocked_db, paris, key_dir):
    close("2026-11-30", at("2026-11-30", 20), key_dir)
    with pytest.raises(Exception, match="closures are append-only"):
        database.execute_sql("UPDATE closure SET grand_total = 0")
    with pytest.raises(Exception, match="closures are append-only"):
        database.execute_sql("DELETE FROM closure")


def _without_triggers(table: str, statement: str, args: tuple = ()) -> None:
    """Run ``statement`` as someone with write access to the file would: the table's
    triggers dropped first, then put back as they were."""
    triggers = database.execute_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
    ).fetchall()
    for (sql,) in triggers:
        name = sql.split('"')[1]
        database.execute_sql(f'DROP TRIGGER "{name}"')
    database.execute_sql(statement, args)
    for (sql,) in triggers:
        database.execute_sql(sql)


def test_an_altered_closure_is_found(stocked_db, paris, key_dir):
    sell(at("2026-11-29", 10), (VIN, 1))
    close("2026-11-29", at("2026-11-29", 20), key_dir, counted=790)
    sell(at("2026-11-30", 10), (VIN, 1))
    close("2026-11-30", at("2026-11-30", 20), key_dir, counted=790)
    assert verify_closures(key_dir) == []

    _without_triggers("closure", "UPDATE closure SET cash_counted = 1790 WHERE number = 1")

    problems = verify_closures(key_dir)
    assert problems == [
        "Till 1, Z 1 (2026-11-29) was altered: what it says no longer matches its seal."
    ]


def test_a_closure_problem_is_worded_in_the_readers_language(stocked_db, paris, key_dir):
    from till.i18n import speaking, translations

    french = translations("fr").gettext
    sell(at("2026-11-30", 10), (VIN, 1))
    close("2026-11-30", at("2026-11-30", 20), key_dir, counted=790)
    _without_triggers("closure", "UPDATE closure SET cash_counted = 1790 WHERE number = 1")

    (problem,) = verify_closure_reasons(key_dir)  # storage keeps it as data
    with speaking("fr"):
        said = str(problem)
    altered = "{said} was altered: what it says no longer matches its seal."
    assert french(altered) != altered, "no French for the problem in the catalog"
    which = french("Till {till}, {closure} ({period})").format(
        till=1, closure=french("Z {number}").format(number=1), period="2026-11-30"
    )
    assert said == french(altered).format(said=which)
    assert str(problem) == "Till 1, Z 1 (2026-11-30) was altered: what it says no longer " + (
        "matches its seal."
    )


def test_a_closure_resealed_without_the_key_is_found(stocked_db, paris, key_dir):
    from dataclasses import replace

    from till.core.closures import closure_hash, closure_payload

    sell(at("2026-11-30", 10), (VIN, 1))
    z = close("2026-11-30", at("2026-11-30", 20), key_dir)
    forged = replace(z, actor="Someone else")
    digest = closure_hash(z.previous_hash, closure_payload(forged))
    _without_triggers(
        "closure", "UPDATE closure SET actor = ?, hash = ? WHERE number = 1", (forged.actor, digest)
    )
    assert verify_closures(key_dir) == [
        "Till 1, Z 1 (2026-11-30): its signature does not verify with this till's key."
    ]


def test_sales_changed_or_cut_after_a_z_are_found(stocked_db, paris, key_dir):
    sell(at("2026-11-30", 10), (VIN, 1))
    last = sell(at("2026-11-30", 11), (BAGUETTE, 1))
    close("2026-11-30", at("2026-11-30", 20), key_dir)

    _without_triggers("sale_payment", "UPDATE sale_payment SET method = 'card'")
    assert verify_closures(key_dir) == [
        "Till 1, Z 1 (2026-11-30): the receipts it covers no longer add up to its totals: a "
        "sale was changed after the closure."
    ]

    for table in ("sale_payment", "sale_vat", "sale_line"):
        _without_triggers(table, f"DELETE FROM {table} WHERE sale_id = ?", (last.id,))
    _without_triggers("sale", "DELETE FROM sale WHERE id = ?", (last.id,))
    problems = verify_closures(key_dir)
    assert any(
        "1 of the receipts it covers (01-000001 to 01-000002) are missing" in p for p in problems
    )
    assert any(
        "receipt 01-000002, the journal's last when it was taken, is gone" in p for p in problems
    )


def test_dropped_closure_triggers_are_found(stocked_db, paris, key_dir):
    assert verify_closures(key_dir) == []
    database.execute_sql('DROP TRIGGER "closure_no_delete"')
    assert verify_closures(key_dir) == [
        "The closures' protective triggers are missing or changed: a closure could be altered "
        "or deleted without SQLite refusing it."
    ]


def test_cash_paid_into_accounts_at_this_till_is_expected_in_the_drawer(stocked_db, paris, key_dir):
    from storage import accounts, customers

    zoe = customers.create_customer({"last_name": "Martin"}, actor="t", till_no=1, region="FR")
    sell(at("2026-11-30", 10), (BAGUETTE, 1))  # 1.20 in cash
    accounts.deposit(
        zoe.id, 2000, "cash", actor="till 1 (Ann)", till_no=1, now=at("2026-11-30", 11)
    )
    accounts.deposit(zoe.id, 500, "card", actor="till 1 (Ann)", till_no=1, now=at("2026-11-30", 12))
    accounts.deposit(zoe.id, 700, "cash", actor="till 2 (Bob)", till_no=2, now=at("2026-11-30", 12))
    z = close("2026-11-30", at("2026-11-30", 20), key_dir, opening=5000, counted=7120)
    assert z.cash is not None
    assert (z.cash.expected, z.cash.difference) == (5000 + 120 + 2000, 0)  # not card, not till 2
    accounts.deposit(zoe.id, 300, "cash", actor="till 1 (Ann)", till_no=1, now=at("2026-12-01", 9))
    z2 = close("2026-12-01", at("2026-12-01", 20), key_dir)
    assert z2.cash is not None and z2.cash.expected == 300  # the next day's, and only it
