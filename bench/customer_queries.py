"""The kinds of as-you-type customer query, samples of each taken from the data, and the
plans raw ``sqlite3`` answers them with: the floors the project's search is measured against.

Every floor returns the same columns as the project (``SUMMARY_COLUMNS``), active customers
only, at most ``LIMIT`` rows, and folds the typed text with the project's ``till.core.text``
functions inside its timing. Two floors per kind:

- *same question*: what ``storage.customer_search`` promises (ranges tried in order of
  preference, merged by id, sorted by rank, key, code), planned as well as raw SQL can: one
  index range at a time, and no further range once ``LIMIT`` customers are found;
- *one range*: the single index lookup a cashier's intent needs (the last-name range, the
  mobile range, the e-mail range, the card), the cheapest answer at all.

A bm25-ranked FTS5 query of the same text is the expensive plan, timed for contrast.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from storage.customer_search import SUMMARY_COLUMNS, fts_query, is_email_start
from till.core.text import digits, fold, fold_email

LIMIT = 50
COUNTRY_CODE = "33"
"""The till's region is France: a typed ``06 12`` is ``+33 6 12``."""

Row = tuple
Ranges = list[tuple[str, str]]

_PEOPLE = "SELECT id, last_name, first_name, mobile, email, card_number FROM customer WHERE num = ?"
_FTS_BM25 = (
    f"SELECT {SUMMARY_COLUMNS} FROM customer JOIN (SELECT rowid AS num, rank AS score"
    " FROM customer_fts WHERE customer_fts MATCH ? ORDER BY rank LIMIT ?) USING (num)"
    " WHERE active = 1 ORDER BY score"
)


@dataclass(frozen=True)
class Sample:
    """One typed query and the customer it was taken from."""

    query: str
    source_id: str


@dataclass(frozen=True)
class Kind:
    """One kind of query: how a cashier types it from a customer's file, and its floors."""

    title: str
    sample: Callable[[sqlite3.Row, random.Random], str | None]
    ranges: Callable[[str], Ranges]
    """The same question: prefix ranges in order of preference."""
    one_range: Callable[[str], tuple[str, str]]
    """The cheapest answer: one column and the prefix (or, for the card, value) to look up."""
    plan: str
    card_first: bool = False
    """The same question starts with an exact card lookup (the digit queries)."""
    same_question: bool = True
    """False when the project answers another question than the one-range floor does."""
    must_find: bool = False
    """The customer the query was taken from must be among the results."""
    match: Callable[[str], str] = lambda query: fts_query(fold(query))


def name_ranges(query: str) -> Ranges:
    words = fold(query)
    return [("name_key", words), ("alt_key", words), ("company_key", words)]


def e164_prefix(query: str) -> str:
    number = digits(query)
    return COUNTRY_CODE + (number[1:] if number.startswith("0") else number)


def phone_ranges(query: str) -> Ranges:
    prefix = e164_prefix(query)
    return [("phone_key", prefix), ("landline_key", prefix)]


def email_range(query: str) -> Ranges:
    return [("email_key", fold_email(query))]


def email_or_name_ranges(query: str) -> Ranges:
    """Text without an @: the e-mail range when it cannot be a name, else the name ranges."""
    return email_range(query) if is_email_start(query) else name_ranges(query)


def said_phone(person: sqlite3.Row, rng: random.Random) -> str | None:
    """``06 12 34``: the first three to five pairs of the mobile, as a customer says it."""
    if not person["mobile"]:
        return None
    national = "0" + person["mobile"].removeprefix("+" + COUNTRY_CODE)
    return " ".join(national[i : i + 2] for i in range(0, 2 * rng.randint(3, 5), 2))


def email_to_domain(person: sqlite3.Row, rng: random.Random) -> str | None:
    """``jean.dupont123@ex``: the address typed up to a few letters past the ``@``."""
    local, _, domain = person["email"].partition("@")
    return f"{local}@{domain[: rng.randint(1, 3)]}" if local else None


def email_before_at(person: sqlite3.Row, rng: random.Random) -> str | None:
    """``jean.dupo``: the address typed before the ``@`` is reached."""
    local = person["email"].partition("@")[0]
    return local[: rng.randint(4, len(local))] if len(local) >= 4 else None


def two_words(person: sqlite3.Row, rng: random.Random) -> str:
    return f"{person['last_name'].lower()} {person['first_name'].lower()[: rng.randint(1, 3)]}"


NAME_PLAN = (
    "same question: the name_key range (LIMIT 50), then alt_key, then company_key only "
    "while fewer than 50 are found; one range: the name_key range alone"
)
PHONE_PLAN = (
    "same question: the exact card, then the phone_key range, then landline_key while fewer "
    "than 50; one range: the phone_key range on the E.164 prefix"
)
KINDS = {
    "prefix3": Kind(
        "name prefix, 3 letters",
        lambda person, _: person["last_name"].lower()[:3],
        name_ranges,
        lambda query: name_ranges(query)[0],
        NAME_PLAN,
    ),
    "prefix4": Kind(
        "name prefix, 4 letters",
        lambda person, _: person["last_name"].lower()[:4],
        name_ranges,
        lambda query: name_ranges(query)[0],
        NAME_PLAN,
    ),
    "two_words": Kind(
        "two words (last name, first-name prefix)",
        two_words,
        name_ranges,
        lambda query: name_ranges(query)[0],
        NAME_PLAN,
    ),
    "phone": Kind(
        "phone fragment",
        said_phone,
        phone_ranges,
        lambda query: phone_ranges(query)[0],
        PHONE_PLAN,
        card_first=True,
        match=lambda query: fts_query(digits(query)),
    ),
    "email": Kind(
        "e-mail prefix",
        email_to_domain,
        email_range,
        lambda query: email_range(query)[0],
        "both floors: the email_key range (the project's plan is that one range too)",
        must_find=True,
    ),
    "card": Kind(
        "exact card number",
        lambda person, _: person["card_number"],
        phone_ranges,
        lambda query: ("card_number", query),
        "same question: the exact card, then the phone_key and landline_key ranges (a run of "
        "digits may be either); one range: the card_number lookup alone",
        card_first=True,
        must_find=True,
    ),
    "email_local": Kind(
        "e-mail prefix before the @",
        email_before_at,
        email_or_name_ranges,
        lambda query: email_range(query)[0],
        "same question: what the project does with text without an @ (the email_key range "
        "when the text cannot be a name, one word with a dot; else the name "
        "ranges; then the FTS fallback when they find nothing; the project's name ranges "
        "after an e-mail range that finds nobody are left out); one range: the email_key "
        "range, what the cashier means",
        same_question=False,
    ),
}


def samples(
    connection: sqlite3.Connection, kind: Kind, count: int, rng: random.Random
) -> list[Sample]:
    """``count`` queries of ``kind``, each taken from a customer drawn at random."""
    connection.row_factory = sqlite3.Row
    try:
        highest = connection.execute("SELECT max(num) FROM customer").fetchone()[0]
        found: list[Sample] = []
        while len(found) < count:
            person = connection.execute(_PEOPLE, (rng.randint(1, highest),)).fetchone()
            query = kind.sample(person, rng) if person else None
            if query:
                found.append(Sample(query, person["id"]))
        return found
    finally:
        connection.row_factory = None


def next_prefix(prefix: str) -> str:
    """The smallest text above every text starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"


def range_rows(connection: sqlite3.Connection, column: str, prefix: str) -> list[Row]:
    """Active customers whose ``column`` starts with ``prefix``, the key last, in key order."""
    return connection.execute(
        f"SELECT {SUMMARY_COLUMNS}, {column} FROM customer"
        f" WHERE {column} >= ? AND {column} < ? AND active = 1 ORDER BY {column} LIMIT ?",
        (prefix, next_prefix(prefix), LIMIT),
    ).fetchall()


def card_rows(connection: sqlite3.Connection, card: str) -> list[Row]:
    return connection.execute(
        f"SELECT {SUMMARY_COLUMNS}, card_number FROM customer WHERE card_number = ? AND active = 1",
        (card,),
    ).fetchall()


def same_question(connection: sqlite3.Connection, kind: Kind, query: str) -> list[Row]:
    """The project's promise, planned by hand: each range only while results are missing."""
    found: dict[str, Row] = {}
    if kind.card_first:
        found.update((row[0], row) for row in card_rows(connection, digits(query)))
    for column, prefix in kind.ranges(query.strip()):
        if len(found) >= LIMIT:
            break
        for row in sorted(range_rows(connection, column, prefix), key=lambda r: (r[-1], r[1])):
            found.setdefault(row[0], row)
    if not found and not kind.same_question:
        return fts_rows(connection, fts_query(fold(query)), order="name_key, code")
    return list(found.values())[:LIMIT]


def one_range(connection: sqlite3.Connection, kind: Kind, query: str) -> list[Row]:
    column, value = kind.one_range(query.strip())
    if column == "card_number":
        return card_rows(connection, value)
    return range_rows(connection, column, value)


def fts_rows(connection: sqlite3.Connection, match: str, order: str = "") -> list[Row]:
    """The project's FTS fallback (unranked, sorted by ``order``), or else ranked by bm25."""
    if order:
        sql = (
            f"SELECT {SUMMARY_COLUMNS} FROM customer WHERE num IN (SELECT rowid FROM"
            f" customer_fts WHERE customer_fts MATCH ? LIMIT ?) AND active = 1"
            f" ORDER BY {order} LIMIT {LIMIT}"
        )
        return connection.execute(sql, (match, LIMIT * 4)).fetchall()
    return connection.execute(_FTS_BM25, (match, LIMIT)).fetchall()


def bm25(connection: sqlite3.Connection, kind: Kind, query: str) -> list[Row]:
    return fts_rows(connection, kind.match(query))
