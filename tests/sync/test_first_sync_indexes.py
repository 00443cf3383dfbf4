"""A new till pulling the customer file from the real server builds its search indexes once,
at the end (storage/index_build.py): during the pull they are gone, after it the till has
the indexes the migrations make and finds what the till that made the customers finds."""

from __future__ import annotations

from storage import index_build, migrated_schema
from storage.customer_search import search_customers
from storage.customers import create_customer
from storage.models import database

PEOPLE = [
    {
        "last_name": f"Lefèvre{n}",
        "first_name": f"Anaïs{n}",
        "mobile": f"06{n:08d}",
        "email": f"anais.{n}@example.org",
        "postcode": "69003",
        "company": "Soierie" if n % 3 == 0 else "",
    }
    for n in range(1, 13)
]
QUERIES = ("Lefèvre7", "anais", "0600000011", "anais.4@example.org", "69003", "Soierie", "")


def _indexes() -> dict[str, str]:
    rows = database.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    )
    return dict(rows.fetchall())


def _searches() -> dict[str, list[str]]:
    return {query: sorted(c.code for c in search_customers(query)) for query in QUERIES}


def test_a_new_till_builds_its_customer_indexes_once_and_finds_the_same(make_till):
    north = make_till("north", 1).use()
    for person in PEOPLE:
        create_customer(person, actor="test", till_no=1, region="FR")
    north.client.push_all()
    expected = _searches()

    east = make_till("east", 3)
    during: list[set[str]] = []

    def note_indexes() -> bool:
        during.append(set(index_build.SET_ASIDE) & set(_indexes()))
        return False

    pages = list(east.client.pull_pages(limit=5, stop=note_indexes))
    assert [page.received for page in pages] == [5, 5, 2]
    assert len(during) >= 3 and not any(during)  # set aside through every page
    assert _indexes() == migrated_schema.objects("index")
    assert _searches() == expected
    assert len(expected["anais"]) == len(PEOPLE)
