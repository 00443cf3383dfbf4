"""Cards and the points ledger on a real database, on a fixed clock."""

from datetime import UTC, datetime

import pytest
from stdnum import ean

from storage import audit, customers, loyalty
from storage.customer_search import search_customers
from storage.models import database
from till.core.loyalty import LoyaltyProgram, add_months
from till.errors import TillError

T0 = datetime(2025, 3, 10, 9, tzinfo=UTC)
PROGRAM = LoyaltyProgram(expiry_months=12)


@pytest.fixture
def zoe(db_path):
    return customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé"}, actor="t", till_no=1, region="FR"
    )


def test_cards_are_issued_replaced_and_blocked(zoe):
    first = loyalty.issue_card(zoe.id, actor="ann", till_no=3)
    assert first.startswith("2903") and len(first) == 13 and ean.is_valid(first)
    assert customers.find_by_card(first).id == zoe.id
    assert [c.code for c in search_customers(first)] == [zoe.code]
    second = loyalty.issue_card(zoe.id, actor="ann", till_no=3)
    assert second != first and customers.find_by_card(second).id == zoe.id
    assert customers.find_by_card(first) is None
    with pytest.raises(loyalty.BlockedCard, match="was replaced"):
        loyalty.check_card(first)
    loyalty.check_card(second)  # the new card is fine
    changes = [(e.field, e.old_value, e.new_value) for e in audit.history("customer", zoe.id)]
    assert ("card_number", first, second) in changes


def test_adjustments_are_audited_and_the_ledger_is_append_only(zoe):
    assert loyalty.adjust_points(zoe.id, 150, "welcome gift", actor="manager Bob") == 150
    assert loyalty.adjust_points(zoe.id, -20, "mistake", actor="manager Bob") == 130
    assert loyalty.balance(zoe.id) == 130
    assert [(m.kind, m.points, m.reason, m.actor) for m in loyalty.history(zoe.id)] == [
        ("adjust", -20, "mistake", "manager Bob"),
        ("adjust", 150, "welcome gift", "manager Bob"),
    ]
    assert any(
        e.field == "points" and e.actor == "manager Bob" for e in audit.history("customer", zoe.id)
    )
    with pytest.raises(TillError, match="Say why"):
        loyalty.adjust_points(zoe.id, 5, " ", actor="x")
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE loyalty_entry SET points = 1000000")


def test_points_expire_a_year_after_they_were_earned(zoe):
    loyalty.add_movement(zoe.id, "earn", 100, actor="till 1", at=T0.isoformat())
    loyalty.add_movement(zoe.id, "earn", 40, actor="till 1", at=add_months(T0, 6).isoformat())
    loyalty.add_movement(zoe.id, "spend", -30, actor="till 1", at=add_months(T0, 7).isoformat())
    summary = loyalty.summary(zoe.id, PROGRAM, now=add_months(T0, 8))
    assert (summary.balance, summary.next_expiry, summary.next_expiry_points) == (
        110,
        add_months(T0, 12).date().isoformat(),
        70,
    )
    later = add_months(T0, 12)
    assert loyalty.effective_balance(zoe.id, PROGRAM, later) == 40  # read-only: nothing written
    assert loyalty.balance(zoe.id) == 110
    assert loyalty.summary(zoe.id, PROGRAM, now=later).balance == 40
    assert loyalty.expire_due(zoe.id, PROGRAM, add_months(T0, 11)) == 0
    assert loyalty.expire_due(zoe.id, PROGRAM, add_months(T0, 12)) == 70
    assert loyalty.expire_due(zoe.id, PROGRAM, add_months(T0, 12)) == 0  # once only
    assert loyalty.balance(zoe.id) == 40
    assert loyalty.history(zoe.id)[0].kind == "expire"
