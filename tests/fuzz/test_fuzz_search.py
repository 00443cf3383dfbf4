"""The customer search on hostile queries: whatever the cashier types or pastes (FTS5
syntax, SQL, quotes, wildcards, any script, 100 kB), the till's search and the back
office's answer with at most ``limit`` customers, in bounded time, write nothing, and never
raise: the query escaper (``fts_query``) makes every query a MATCH expression that cannot be
a syntax error.

tests/storage/test_customer_search_scripts.py already tries any short Unicode query on the
till; this adds the syntax, the sizes and the back office."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from storage import customers
from storage.customer_search import CustomerFilter, fts_query, search_customers
from storage.models import database
from sync.server import customer_index, store
from sync.server.models import database as server_database
from till.core.customer import FieldErrors
from till.core.text import fold

from .budget import fuzz
from .state import table_digests

SYNTAX = [
    '"', '""', "*", "^", ":", "(", ")", "{", "}", "+", "-", "NEAR(a b)", "a OR b", "NOT", "AND",
    "body:x", "customer_fts:x", "'; DROP TABLE customer; --", "%", "_", "\\", "\x00", "@",
    "C01-", "c1-0000", "+33 6", "06 12", "00", "\u202e", "\u200d", "👨\u200d👩\u200d👧", "Ⅻ", "ǅ",
]  # fmt: skip

queries = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=5)), max_size=8).map(" ".join),
    st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=8).map("".join),
    st.tuples(st.sampled_from(SYNTAX), st.integers(1_000, 100_000)).map(
        lambda pair: pair[0] * (pair[1] // len(pair[0]))
    ),  # a 100 kB paste
)
filters = st.builds(
    CustomerFilter,
    status=st.sampled_from(["active", "inactive", "all", "x"]),
    kind=st.sampled_from(["", "individual", "business", "robot"]),
    segment=st.one_of(st.just(""), st.text(max_size=8)),
)


@pytest.fixture
def people(db_path: Path) -> Path:
    for last, first in [("Dupont", "Jean"), ("NEAR", "Or"), ('O"Brien', "Ann"), ("Zoé", "*")]:
        customers.create_customer(
            {"last_name": last, "first_name": first}, actor="test", till_no=1, region="FR"
        )
    return db_path


@fuzz(100)
@given(st.one_of(queries, st.text()))
@example('"')
@example("NEAR(")
@example("a\x00b")
def test_the_escaped_query_is_always_a_valid_match_expression(people, text):
    """In FTS5 syntax and beyond what tests/storage/test_customers.py tries; an empty
    expression (no words) is never sent: the search asks FTS5 for two characters or more."""
    expression = fts_query(text)
    if expression.strip():
        database.execute_sql(
            "SELECT count(*) FROM customer_fts WHERE customer_fts MATCH ?", (expression,)
        ).fetchone()


@fuzz(100)
@given(
    query=queries,
    filters=filters,
    region=st.sampled_from(["FR", "GB", "US", "JP"]),
    limit=st.integers(1, 60),
)
@example(query="a@" + "\U0010ffff", filters=CustomerFilter(), region="FR", limit=5)
@example(query="@" * 100_000, filters=CustomerFilter(), region="FR", limit=5)
@example(query="0" * 100_000, filters=CustomerFilter(status="all"), region="FR", limit=50)
def test_any_query_answers_at_most_the_limit_and_writes_nothing(
    people, query, filters, region, limit
):
    before = table_digests(people)
    found = search_customers(query, filters, region=region, limit=limit)
    assert len(found) <= limit
    assert len({summary.id for summary in found}) == len(found)
    assert table_digests(people) == before


@fuzz(100)
@given(
    name=st.one_of(
        st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=4).map(" ".join),
        st.text(min_size=1, max_size=20),
    )
)
@example(name='O"Brien NEAR(a b)')
def test_a_customer_named_in_search_syntax_is_found_by_their_name(db_path, name):
    try:
        made = customers.create_customer({"last_name": name}, actor="test", till_no=1, region="FR")
    except FieldErrors:
        return
    words = fold(name)
    plain = words and not any(c.isdigit() or c in "@+" for c in name)
    found = search_customers(name, CustomerFilter(status="all"), limit=1_000)
    if plain:
        assert made.id in {summary.id for summary in found}


@pytest.fixture(scope="module")
def back_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    store.open_server_database(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    with server_database.connection_context():
        yield


@fuzz(80)
@given(query=queries, offset=st.integers(0, 10**6), limit=st.integers(1, 100))
@example(query="\U0010ffff", offset=0, limit=1)
def test_the_back_office_search_answers_any_query(back_office, query, offset, limit):
    assert len(customer_index.search(query, region="FR", limit=limit, offset=offset)) <= limit
