"""Merging a duplicate customer (storage/customer_merge.py) on one till: everything moves to
the survivor, the journal stays as it was, and readers follow the pointer."""

import json

import pytest
from peewee import IntegrityError

from storage import accounts, audit, customer_history, customers, loyalty, sales
from storage.customer_merge import MergeRefused, merge_customers, plan_merge
from storage.customer_search import CustomerFilter, search_customers
from storage.models import Outbox, database
from till.core.customer import Address
from till.core.sale import Cart, Item, PaymentMethod, SaleCustomer

ACTOR = "till 1 (Ann)"


def add(**fields):
    return customers.create_customer(fields, actor=ACTOR, till_no=1, region="FR")


def sell_to(customer, price=500):
    cart = Cart()
    cart.add(Item("p", "1", "Thing", price, 2000), 2)
    cart.attach(SaleCustomer(customer.id, customer.code, customer.display_name))
    cart.pay(PaymentMethod.CARD, price * 2)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", store="Lyon")


@pytest.fixture
def pair(db_path):
    """Jean twice: the file kept (a card, a main address, an external code) and a quick-add
    duplicate with its own card, sales, points, account, addresses and codes."""
    keep = add(
        last_name="Dupont",
        first_name="Jean",
        mobile="06 12 34 56 78",
        address1="1 rue Haute",
        city="Lyon",
        external_codes={"shopify": "SH-1"},
    )
    other = add(
        last_name="Dupont",
        first_name="J.",
        email="jean.dupont@example.fr",
        birth_date="1980-04-02",
        address1="9 quai Bas",
        postcode="69002",
        city="Lyon",
        external_codes={"shopify": "SH-9", "erp": "E-77"},
    )
    keep_card = loyalty.issue_card(keep.id, actor=ACTOR, till_no=1)
    other_card = loyalty.issue_card(other.id, actor=ACTOR, till_no=1)
    customers.save_address(other.id, Address(kind="delivery", line1="Dock 4"), actor=ACTOR)
    loyalty.adjust_points(keep.id, 100, "welcome", actor=ACTOR)
    loyalty.adjust_points(other.id, 40, "welcome", actor=ACTOR)
    accounts.deposit(keep.id, 1000, "cash", actor=ACTOR)
    accounts.deposit(other.id, 250, "cash", actor=ACTOR)
    keep_sale = sell_to(keep)
    other_sale = sell_to(other, price=700)
    return {
        "keep": customers.get_customer(keep.id),
        "other": customers.get_customer(other.id),
        "keep_card": keep_card,
        "other_card": other_card,
        "sales": (keep_sale, other_sale),
    }


def merge(pair):
    return merge_customers(pair["keep"].id, pair["other"].id, actor=ACTOR, approved_by="Marie")


def test_the_plan_says_what_will_happen_and_changes_nothing(pair):
    keep, other = pair["keep"], pair["other"]
    outbox_before = Outbox.select().count()
    plan = plan_merge(keep.id, other.id)
    assert plan.filled == {"email": "jean.dupont@example.fr", "birth_date": "1980-04-02"}
    assert plan.main_address == "extra"  # the survivor has its own main address
    assert plan.cards_moved == (pair["other_card"],) and plan.card_taken == ""
    assert plan.addresses_moved == ("delivery",)
    assert plan.codes_moved == {"erp": "E-77"} and plan.codes_kept == {"shopify": "SH-9"}
    assert (plan.loyalty_entries, plan.points_after) == (
        len(loyalty.history(other.id)),
        loyalty.balance(keep.id) + loyalty.balance(other.id),
    )
    assert plan.account_after == accounts.balance(keep.id) + accounts.balance(other.id)
    assert plan.sales_following == 1
    assert Outbox.select().count() == outbox_before
    assert customers.get_customer(other.id) == other


def test_merge_moves_everything_and_keeps_the_balances(pair):
    keep, other = pair["keep"], pair["other"]
    points = loyalty.balance(keep.id) + loyalty.balance(other.id)
    money = accounts.balance(keep.id) + accounts.balance(other.id)
    stats_before = customer_history.customer_stats(keep.id)
    survivor = merge(pair)
    # empty fields filled, nothing of the survivor's overwritten
    assert (survivor.first_name, survivor.mobile) == ("Jean", keep.mobile)
    assert (survivor.email, survivor.birth_date) == ("jean.dupont@example.fr", "1980-04-02")
    assert (survivor.address1, survivor.postcode) == ("1 rue Haute", "")
    assert survivor.card_number == pair["keep_card"]
    assert survivor.external_codes == {"shopify": "SH-1", "erp": "E-77"}
    assert sorted((a.kind, a.line1) for a in survivor.addresses) == [
        ("delivery", "Dock 4"),
        (f"from {other.code}", "9 quai Bas"),
    ]
    # ledgers: one balance, the sum of both, read from either id
    assert loyalty.balance(keep.id) == loyalty.balance(other.id) == points
    assert accounts.balance(keep.id) == accounts.balance(other.id) == money
    assert sorted(m.points for m in loyalty.history(keep.id)) == [40, 100]
    # the merged-away customer points to the survivor, inactive
    gone = customers.get_customer(other.id)
    assert not gone.active and gone.external_codes == {"shopify": "SH-9"}
    # history and figures follow the pointer
    history = customer_history.customer_sales(keep.id)
    assert {s.sale_id for s in history} == {s.id for s in pair["sales"]}
    stats = customer_history.customer_stats(keep.id)
    assert stats.sale_count == stats_before.sale_count + 1
    assert stats.total_spent == stats_before.total_spent + pair["sales"][1].total
    assert customer_history.customer_stats(other.id) == stats
    # the journal is untouched: the other's sale keeps its customer, and the chain verifies
    assert sales.get_sale(pair["sales"][1].receipt_code).customer.id == other.id
    assert sales.verify_journal(1) == []


def test_the_other_code_and_card_find_the_survivor(pair):
    keep, other = pair["keep"], pair["other"]
    merge(pair)
    assert customers.find_by_code(other.code).id == keep.id
    assert customers.find_by_card(pair["other_card"]).id == keep.id
    assert customers.find_by_card(pair["keep_card"]).id == keep.id
    loyalty.check_card(pair["other_card"])  # still active: it scans
    # the search lists the survivor only, whatever the status filter
    for status in ("active", "all", "inactive"):
        found = [c.id for c in search_customers("Dupont", CustomerFilter(status))]
        assert other.id not in found
    assert [c.id for c in search_customers("Dupont")] == [keep.id]
    assert [c.id for c in search_customers("jean.dupont@example.fr")] == [keep.id]


def test_a_survivor_without_a_card_or_address_takes_the_others(db_path):
    keep = add(last_name="Martin")
    other = add(last_name="Martin", city="Nantes", postcode="44000")
    card = loyalty.issue_card(other.id, actor=ACTOR, till_no=1)
    survivor = merge_customers(keep.id, other.id, actor=ACTOR, approved_by="Marie")
    assert survivor.card_number == card and survivor.addresses == ()
    assert (survivor.city, survivor.postcode) == ("Nantes", "44000")
    assert customers.get_customer(other.id).card_number == ""
    assert customers.find_by_card(card).id == keep.id


def test_ledger_entries_written_later_for_the_merged_away_go_to_the_survivor(pair):
    keep, other = pair["keep"], pair["other"]
    merge(pair)
    before = loyalty.balance(keep.id)
    loyalty.adjust_points(other.id, 5, "late", actor=ACTOR)
    assert loyalty.balance(keep.id) == before + 5
    assert json.loads(Outbox.select().order_by(Outbox.seq.desc()).first().payload)[
        "customer_id"
    ] == (keep.id)


def test_the_ledgers_stay_append_only_but_for_following_a_merge(pair):
    keep, other = pair["keep"], pair["other"]
    for statement in (
        "UPDATE loyalty_entry SET customer_id = ? WHERE customer_id = ?",
        "UPDATE account_entry SET customer_id = ? WHERE customer_id = ?",
    ):
        with pytest.raises(IntegrityError, match="append-only"):
            database.execute_sql(statement, (keep.id, other.id))  # not merged: refused
    merge(pair)
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql(
            "UPDATE loyalty_entry SET points = 1 WHERE customer_id = ?", (keep.id,)
        )
    with pytest.raises(IntegrityError, match="append-only"):
        database.execute_sql(
            "UPDATE account_entry SET customer_id = ? WHERE customer_id = ?", (other.id, keep.id)
        )


def test_refusals(pair):
    keep, other = pair["keep"], pair["other"]
    with pytest.raises(MergeRefused, match="into itself"):
        merge_customers(keep.id, keep.id, actor=ACTOR, approved_by="Marie")
    with pytest.raises(customers.CustomerNotFound):
        plan_merge(keep.id, "0193a2b4-0000-7000-8000-000000000000")
    merge(pair)
    third = add(last_name="Dupont", first_name="Jeannot")
    with pytest.raises(MergeRefused, match=f"merged into {keep.code} already"):
        merge_customers(other.id, third.id, actor=ACTOR, approved_by="Marie")
    with pytest.raises(MergeRefused, match="already"):
        merge_customers(third.id, other.id, actor=ACTOR, approved_by="Marie")
    outbox = Outbox.select().count()
    with pytest.raises(MergeRefused):
        plan_merge(keep.id, other.id)
    assert Outbox.select().count() == outbox


def test_a_chain_points_everyone_to_the_last_survivor(pair):
    keep, other = pair["keep"], pair["other"]
    first = add(last_name="Dupont", first_name="Jeannot", landline="04 78 00 00 00")
    sell_to(first)
    merge_customers(other.id, first.id, actor=ACTOR, approved_by="Marie")
    assert plan_merge(keep.id, other.id).chain == (first.code,)
    merge(pair)
    assert customers.find_by_code(first.code).id == keep.id
    assert customers.get_customer(keep.id).landline == first.landline
    assert customer_history.customer_stats(keep.id).sale_count == 3
    assert sales.verify_journal(1) == []


def test_audit_names_the_approver_and_one_outbox_row_carries_the_merge(pair):
    keep, other = pair["keep"], pair["other"]
    last = Outbox.select().order_by(Outbox.seq.desc()).first().seq
    merge(pair)
    rows = list(Outbox.select().where(Outbox.seq > last))
    assert [(r.entity, r.entity_id, r.operation) for r in rows] == [("customer", keep.id, "merge")]
    payload = json.loads(rows[0].payload)
    assert (payload["keep"], payload["other"]) == (keep.id, other.id)
    assert payload["fields"]["email"] == "jean.dupont@example.fr"
    assert set(payload["clocks"]) == set(payload["fields"])
    assert payload["address"]["line1"] == "9 quai Bas"
    for customer_id, field, value in (
        (keep.id, "merged", other.code),
        (other.id, "merged_into", keep.code),
    ):
        entries = [e for e in audit.history("customer", customer_id) if e.action == "merged"]
        assert any(e.field == field and e.new_value == value for e in entries)
        assert all("approved by Marie" in e.actor for e in entries)


def test_an_anonymised_customer_is_never_merged(pair):
    """A merge fills the survivor's empty fields from the other: into or from an erased file
    it would bring personal values back (and the server refuses it, so tills would differ)."""
    from storage.customer_privacy import anonymise

    keep, other = pair["keep"], pair["other"]
    anonymise(other.id, actor=ACTOR, approved_by="Marie")
    for first, second in ((keep.id, other.id), (other.id, keep.id)):
        with pytest.raises(MergeRefused, match="anonymised"):
            merge_customers(first, second, actor=ACTOR, approved_by="Marie")
    assert customers.get_customer(keep.id).email == ""  # nothing came back
