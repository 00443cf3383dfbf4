"""Duplicates in a real customer file: the pairs of the whole file, one person against it."""

from __future__ import annotations

import pytest

from storage import customers
from storage.customer_duplicates import duplicate_pairs, matches_for, summaries
from storage.models import database
from till.core.duplicates import PROBABLE, Person, person_of


def add(**fields):
    return customers.create_customer(fields, actor="test", till_no=1, region="FR")


@pytest.fixture
def shop(db_path):
    return {
        "jean": add(last_name="Dupont", first_name="Jean", mobile="06 12 34 56 78"),
        "jean_again": add(last_name="DUPONT", first_name="J", mobile="+33 6 12 34 56 78"),
        "zoe": add(last_name="Lefèvre", first_name="Zoé", postcode="75011", city="Paris"),
        "zoe_typo": add(last_name="Lefevbre", first_name="Zoe", postcode="75011"),
        "zoe_elsewhere": add(last_name="Lefèvre", first_name="Zoé", postcode="69003"),
        "anna": add(last_name="Martin", first_name="Anna", birth_date="1980-02-03"),
        "anna_swapped": add(last_name="Anna", first_name="Martin", birth_date="03/02/1980"),
        "paul": add(last_name="Durand", first_name="Paul", email="paul@example.com"),
        "pauline": add(last_name="Roux", first_name="Pauline", email="PAUL@example.com"),
        "claire": add(last_name="Blanc", first_name="Claire", company="Boulangerie Éclair"),
        "claire_too": add(last_name="Blanc", first_name="Claire", company="boulangerie eclair"),
    }


def pair(shop, one: str, other: str) -> tuple[str, str]:
    return tuple(sorted((shop[one].id, shop[other].id)))


def test_the_pairs_of_the_file_with_scores_and_reasons(shop):
    found = {(m.first_id, m.second_id): m for m in duplicate_pairs()}
    assert set(found) == {
        pair(shop, "jean", "jean_again"),
        pair(shop, "zoe", "zoe_typo"),
        pair(shop, "anna", "anna_swapped"),
        pair(shop, "claire", "claire_too"),
    }
    assert found[pair(shop, "jean", "jean_again")].reasons == ("same_phone", "similar_name")
    assert found[pair(shop, "zoe", "zoe_typo")].reasons == ("similar_name", "same_postcode")
    assert found[pair(shop, "anna", "anna_swapped")].reasons == (
        "similar_name",
        "same_birth_date",
    )
    assert found[pair(shop, "claire", "claire_too")].reasons == ("similar_name", "same_company")
    scores = [m.score for m in duplicate_pairs()]
    assert scores == sorted(scores, reverse=True) and min(scores) >= PROBABLE
    # Paul and Pauline share an e-mail under other names: a household, below the threshold
    low = {(m.first_id, m.second_id): m for m in duplicate_pairs(min_score=0)}
    assert low[pair(shop, "paul", "pauline")].reasons == ("same_email",)


def test_inactive_and_merged_away_customers_are_left_out(shop):
    customers.set_active(shop["jean_again"].id, False, actor="test")
    columns = {row[1] for row in database.execute_sql('PRAGMA table_info("customer")')}
    if "merged_into" in columns:  # migration 19: a merge leaves the other customer pointing
        database.execute_sql(
            "UPDATE customer SET merged_into = ? WHERE id = ?",
            (shop["zoe"].id, shop["zoe_typo"].id),
        )
    found = {(m.first_id, m.second_id) for m in duplicate_pairs()}
    assert pair(shop, "jean", "jean_again") not in found
    assert (pair(shop, "zoe", "zoe_typo") in found) is ("merged_into" not in columns)
    assert pair(shop, "claire", "claire_too") in found


def test_one_unsaved_person_against_the_file(shop):
    typed = Person(id="", last_name="Dupond", first_name="Jean", mobile="+33612345678")
    found = matches_for(typed)
    assert [m.second_id for m in found] == [shop["jean"].id, shop["jean_again"].id]
    assert all(m.first_id == "" and m.reasons[0] == "same_phone" for m in found)
    assert len(matches_for(typed, limit=1)) == 1
    by_postcode = matches_for(
        Person(id="", last_name="Lefèvre", first_name="Zoe", postcode="75011")
    )
    assert [m.second_id for m in by_postcode] == [shop["zoe"].id, shop["zoe_typo"].id]
    by_birth = matches_for(
        Person(id="", last_name="Martinn", first_name="Anna", birth_date="1980-02-03")
    )
    assert {m.second_id for m in by_birth} == {shop["anna"].id, shop["anna_swapped"].id}
    nobody = Person(id="", last_name="Dupont", first_name="Jean", postcode="13001")
    assert matches_for(nobody) == []  # a namesake elsewhere: names alone are not enough


def test_a_saved_customer_is_not_its_own_duplicate(shop):
    found = matches_for(person_of(customers.get_customer(shop["claire"].id)))
    assert [m.second_id for m in found] == [shop["claire_too"].id]


def test_card_and_external_code_find_the_customer(shop):
    customers.update_customer(
        shop["paul"].id, {"external_codes": {"shopify": "884"}}, actor="test", region="FR"
    )
    database.execute_sql(
        "UPDATE customer SET card_number = '2900000000017' WHERE id = ?", (shop["paul"].id,)
    )
    row = Person(id="", last_name="Durant", first_name="Paul", external_codes=(("shopify", "884"),))
    [by_code] = matches_for(row)
    assert by_code.second_id == shop["paul"].id and by_code.reasons[0] == "same_external_code"
    [by_card] = matches_for(Person(id="", last_name="Durand", card_number="2900000000017"))
    assert by_card.reasons == ("same_card", "similar_name")


def test_summaries_name_each_customer(shop):
    found = summaries([shop["jean"].id, shop["zoe"].id, "missing"])
    assert {s.code: s.display_name for s in found.values()} == {
        shop["jean"].code: "DUPONT Jean",
        shop["zoe"].code: "LEFÈVRE Zoé",
    }


def test_many_people_at_once_find_what_each_finds_alone(shop, monkeypatch):
    import storage.customer_duplicates as finder

    typed = [
        Person(id="", last_name="Dupond", first_name="Jean", mobile="+33612345678"),
        Person(id="", last_name="Lefèvre", first_name="Zoe", postcode="75011"),
        Person(id="", last_name="Martinn", first_name="Anna", birth_date="1980-02-03"),
        Person(id="", last_name="Dupont", first_name="Jean", postcode="13001"),
        person_of(customers.get_customer(shop["claire"].id)),
        Person(id="", last_name="Roux", first_name="Paula", email="paul@example.com"),
    ]
    alone = [matches_for(person) for person in typed]
    statements = []
    execute = database.execute_sql
    monkeypatch.setattr(
        database, "execute_sql", lambda sql, *a: statements.append(sql) or execute(sql, *a)
    )
    assert finder.matches_for_many(typed * 3) == alone * 3  # a few ranges of a kind, and more
    assert any(alone) and [] in alone
    # one statement per kind of index range however many people (e-mail, phone, landline,
    # birth date, company, namesakes, names alike), and one for their external codes
    assert len(statements) <= 8


def test_each_index_range_is_read_up_to_its_limit(shop, monkeypatch):
    import storage.customer_duplicates as finder

    for first_name in ("Ana", "Annie", "Anny"):
        add(last_name="Durand", first_name=first_name, email="famille@example.com")
    monkeypatch.setattr(finder, "CANDIDATES_PER_QUERY", 2)
    household = Person(id="", last_name="Durand", first_name="Anne", email="famille@example.com")
    for people in (1, finder.FEW_PROBES + 1):  # read alone, and in a table of ranges
        found = list(finder._candidates([household] * people))
        assert sorted(number for number, _ in found) == sorted([*range(people)] * 2)  # 2 of 3
