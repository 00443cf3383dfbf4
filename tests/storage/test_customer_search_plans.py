"""Which plan answers: text that can only be the start of an e-mail address finds addresses,
and names only when no address starts so; and the results are the records themselves."""

from __future__ import annotations

import pytest

from storage import customers
from storage.customer_search import is_email_start, search_customers
from till.core.customer_lookup import CustomerSummary


def add(**fields):
    return customers.create_customer(fields, actor="test", till_no=1, region="FR")


@pytest.fixture
def people(db_path):
    return {
        # "jean.d" folds to the words "jean d": Jean Dupont's "first last" starts with them
        "named": add(last_name="Dupont", first_name="Jean", email="jd@example.fr"),
        "addressed": add(last_name="Martin", first_name="Paul", email="jean.durand@example.fr"),
        "numbered": add(last_name="Durand", first_name="Léa", email="lea2024@example.fr"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jean.dupo", True),
        ("dupont12", False),  # names first, the address after them
        ("m6", False),  # a company may hold digits
        ("lea.", True),
        ("dupont", False),
        ("jean dupont", False),
        ("st. pierre", False),  # a dot in a name comes with a space
        ("éloïse", False),
    ],
)
def test_text_that_cannot_be_a_name_is_the_start_of_an_address(text, expected):
    assert is_email_start(text) is expected


def test_the_start_of_an_address_finds_the_address_not_the_names(people):
    assert [c.last_name for c in search_customers("jean.d")] == ["Martin"]


def test_the_names_answer_when_no_address_starts_so(people):
    assert [c.last_name for c in search_customers("jean.dup")] == ["Dupont"]


def test_a_name_still_finds_the_names_before_the_addresses(people):
    assert [c.last_name for c in search_customers("jean", limit=1)] == ["Dupont"]


def test_a_result_equals_the_record_built_from_its_fields(people):
    found = search_customers("durand")[0]
    person = people["numbered"]
    assert found == CustomerSummary(
        id=person.id,
        code=person.code,
        kind="individual",
        last_name="Durand",
        first_name="Léa",
        company="",
        city="",
        mobile="",
        email="lea2024@example.fr",
        card_number="",
        active=True,
        segment="",
    )
    assert found.active is True
    assert hash(found) == hash(CustomerSummary(**vars(found)))
