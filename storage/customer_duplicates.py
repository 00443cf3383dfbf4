"""Finding duplicates in the customer file with ``till.core.duplicates``' matcher.

The whole file (``duplicate_pairs``) is read in passes that each hold one group of people at a
time, never the whole file, so a million customers fit in the memory of a till:

- people sharing an e-mail or a phone number: found by grouping the indexed search keys in
  SQL, then read together (few rows);
- then one pass per anchor (postcode, date of birth, company), reading the file in the order
  of that anchor and handing each group sharing it to ``matches_among`` with that anchor's
  name keys: every name block lies whole inside one group.

Cards and external codes are unique in the file (a unique index and a primary key), so no two
stored customers share one; they count when one person is compared with the file
(``matches_for``, for a person typed at quick add; ``matches_for_many``, for the customers an
import's chunk creates, a statement per kind of index range for them all), which reads only
the candidates the indexes give.

Only live customers are compared: active, and not merged into another.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import groupby
from typing import Any

from storage.customer_search import SUMMARY_COLUMNS, _summary
from storage.models import database
from till.core.customer_lookup import CustomerSummary
from till.core.duplicates import (
    ANCHORS,
    PROBABLE,
    SHARED_LIMIT,
    Match,
    Person,
    anchored_keys,
    company_key,
    compare,
    contact_keys,
    matches_among,
    postcode_key,
)
from till.core.text import digits, fold

PERSON_COLUMNS = (
    "id, code, last_name, first_name, company, email_key, mobile, landline, "
    "COALESCE(card_number, ''), postcode, birth_date"
)
"""A ``Person`` in the order of its fields (external codes apart)."""
POSTCODE_FUNCTION = "till_postcode_key"
"""``till.core.duplicates.postcode_key`` as an SQL function: the file read in its order."""
ANCHOR_SQL = {
    "postcode": (f"{POSTCODE_FUNCTION}(postcode)", "postcode != ''"),
    "birth_date": ("birth_date", "birth_date != ''"),
    "company": ("company_key", "company_key != ''"),
}
"""Per anchor: its normal form in SQL (the company key is already folded as the matcher
folds it), and which rows have one."""
CANDIDATES_PER_QUERY = 500
"""Rows ``matches_for`` reads per index range: a name prefix is shared by thousands."""
PROBES_PER_QUERY = 50
"""Index ranges of one kind read by one statement (``matches_for_many``): few statements for
an import's chunk, and at most 25,000 rows a statement however common its names."""
FEW_PROBES = 3
"""Up to this many ranges of a kind are read by a statement each joined in a ``UNION ALL``
(cheaper for a few than the table of ranges a chunk's statement joins)."""
ROWS_HELD = 25_000
"""Candidate rows read before their customers' external codes are (500 customers a
statement)."""
POSTCODE_FORMS = 4
"""A name range reads the postcode in up to this many forms: as typed, in capitals, without
its spaces."""
IDS_PER_QUERY = 500
BATCH = 2_000
"""People handed to the matcher at once in the anchor passes (whole groups, so at times more)."""


def duplicate_pairs(min_score: int = PROBABLE) -> list[Match]:
    """Every pair of live customers the matcher scores ``min_score`` or more, best first."""
    _register_functions()
    live = LIVE
    found: dict[tuple[str, str], Match] = {}
    for match in _every_pass(live):
        if match.score >= min_score:
            found.setdefault((match.first_id, match.second_id), match)
    return sorted(found.values(), key=lambda m: (-m.score, m.first_id, m.second_id))


def _every_pass(live: str) -> Iterator[Match]:
    """The matches of each pass in turn (a pair found by two passes comes twice)."""
    yield from matches_among(_sharing_contacts(live), contact_keys)
    for anchor in ANCHORS:
        keys = anchored_keys(anchor)
        for batch in _batches(_anchor_groups(anchor, live)):
            yield from matches_among(batch, keys)


def _batches(groups: Iterable[list[Person]]) -> Iterator[list[Person]]:
    """Consecutive groups joined up to ``BATCH`` people: fewer calls of ``matches_among``
    for the many small groups (a village's postcode), still whole groups only, and a name key
    names its anchor's value, so no block spans two groups."""
    batch: list[Person] = []
    for group in groups:
        batch += group
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def matches_for(person: Person, limit: int = 5, min_score: int = PROBABLE) -> list[Match]:
    """The live customers who may be ``person`` (saved or not: its id may be ""), scoring
    ``min_score`` or more, best first, ``person`` first in each match. Reads only what the
    indexes find: the same e-mail, phone, card or external code, everyone born the same day
    or of the same company, and in the same postcode the namesakes and the names starting
    alike. Not found this way: a typo in the first three letters of a name with nothing else
    in common but the postcode (``duplicate_pairs`` finds it)."""
    return matches_for_many([person], limit, min_score)[0]


def matches_for_many(
    people: Sequence[Person], limit: int = 5, min_score: int = PROBABLE
) -> list[list[Match]]:
    """``matches_for`` of each of ``people`` (an import's chunk), in their order: the index
    ranges of them all read with one statement per kind of range, not several per person."""
    found: list[dict[str, Person]] = [{} for _ in people]
    for number, other in _candidates(people):
        if other.id != people[number].id:
            found[number].setdefault(other.id, other)
    best = []
    for person, candidates in zip(people, found, strict=True):
        matches = [m for m in (compare(person, other) for other in candidates.values()) if m]
        kept = [m for m in matches if m.score >= min_score]
        best.append(sorted(kept, key=lambda m: (-m.score, m.second_id))[:limit])
    return best


def summaries(ids: Iterable[str]) -> dict[str, CustomerSummary]:
    """The search-result line of each customer id given (merged-away ones too)."""
    wanted = list(dict.fromkeys(ids))
    found: dict[str, CustomerSummary] = {}
    for start in range(0, len(wanted), IDS_PER_QUERY):
        batch = wanted[start : start + IDS_PER_QUERY]
        sql = f"SELECT {SUMMARY_COLUMNS} FROM customer WHERE id IN ({', '.join('?' * len(batch))})"
        for row in database.execute_sql(sql, batch):
            summary = _summary(row)
            found[summary.id] = summary
    return found


def _register_functions() -> None:
    database.register_function(postcode_key, POSTCODE_FUNCTION, 1, deterministic=True)


LIVE = "active = 1 AND merged_into IS NULL"
"""The customers compared: neither deactivated nor merged away."""


def _person(row: tuple, codes: tuple[tuple[str, str], ...] = ()) -> Person:
    """A row of ``PERSON_COLUMNS`` as the matcher reads it."""
    customer_id, code, last, first, company, email, mobile, landline, card, postcode, born = row
    return Person(
        customer_id,
        code,
        last,
        first,
        company,
        email,
        mobile,
        landline,
        card,
        postcode,
        born,
        codes,
    )


def _sharing_contacts(live: str) -> Iterator[Person]:
    """Every live customer whose e-mail or phone another customer has too (unless more than
    ``SHARED_LIMIT`` do: a placeholder). The shared values come from the indexes alone."""
    shared = f"GROUP BY 1 HAVING COUNT(*) BETWEEN 2 AND {SHARED_LIMIT}"
    emails = f"SELECT email_key FROM customer WHERE email_key != '' {shared}"
    phones = f"""SELECT number FROM (
        SELECT phone_key AS number FROM customer WHERE phone_key != ''
        UNION ALL SELECT landline_key FROM customer WHERE landline_key != '') {shared}"""
    seen: set[str] = set()
    for column, values in (
        ("email_key", emails),
        ("phone_key", phones),
        ("landline_key", phones),
    ):
        sql = (
            f"SELECT {PERSON_COLUMNS} FROM customer INDEXED BY customer_{column}"
            f" WHERE {column} IN ({values}) AND {live}"
        )
        for row in database.execute_sql(sql):
            if row[0] not in seen:
                seen.add(row[0])
                yield _person(row)


def _anchor_groups(anchor: str, live: str) -> Iterator[list[Person]]:
    """The live customers having ``anchor``, in groups sharing its value (single people left
    out), read in the anchor's order one group at a time."""
    value, present = ANCHOR_SQL[anchor]
    sql = f"SELECT {value}, {PERSON_COLUMNS} FROM customer WHERE {live} AND {present} ORDER BY 1"
    rows = database.execute_sql(sql)
    for _, group in groupby(rows, key=lambda row: row[0]):
        found = list(group)
        if len(found) > 1:
            yield [_person(row[1:]) for row in found]


_Probe = tuple[str, str, list[str | None]]
"""One index range to read: an ``INDEXED BY`` clause (or ""), a condition on the customer
table naming its values ``probe.v1``, ``probe.v2``…, and those values."""
_PROBE_VALUE = re.compile(r"probe\.v(\d+)")


def _candidates(people: Sequence[Person]) -> Iterator[tuple[int, Person]]:
    """Live customers sharing a contact value with one of ``people``, or a name start and an
    anchor, with the position of that one: at most ``CANDIDATES_PER_QUERY`` per range, as
    if each range were read alone, but one statement reads a kind of range for everyone.
    A person already on file finds itself in most of its ranges: left out."""
    held: list[tuple[Any, ...]] = []
    for sql, values in _statements(people):
        rows = database.execute_sql(sql, values).fetchall()
        held += [row for row in rows if row[1] != people[row[0]].id]
        if len(held) >= ROWS_HELD:
            yield from _with_external_codes(held)
            held = []
    yield from _with_external_codes(held)


def _statements(people: Sequence[Person]) -> Iterator[tuple[str, list[int | str | None]]]:
    """The statements reading the index ranges of ``people``, up to ``PROBES_PER_QUERY``
    ranges of one kind each; each row read is a candidate, after the position in ``people``
    of the person it may be."""
    by_kind: dict[tuple[str, str], list[list[int | str | None]]] = {}
    for number, person in enumerate(people):
        for index, condition, values in _probes(person):
            by_kind.setdefault((index, condition), []).append([number, *values])
    for (index, condition), probes in by_kind.items():
        width = len(probes[0])
        columns = ", ".join(["probe_no", *(f"v{n}" for n in range(1, width))])
        row = f"({', '.join('?' * width)})"
        alone = (
            f"SELECT * FROM (SELECT ?, {PERSON_COLUMNS} FROM customer {index} WHERE {LIVE}"
            f" AND {_PROBE_VALUE.sub('?', condition)} LIMIT {CANDIDATES_PER_QUERY})"
        )
        order = [int(n) for n in _PROBE_VALUE.findall(condition)]
        for start in range(0, len(probes), PROBES_PER_QUERY):
            part = probes[start : start + PROBES_PER_QUERY]
            if len(part) <= FEW_PROBES:  # quick add's one person: each range read as it is
                bound = [v for probe in part for v in (probe[0], *(probe[n] for n in order))]
                yield " UNION ALL ".join([alone] * len(part)), bound
                continue
            sql = (
                f"WITH probe({columns}) AS (VALUES {', '.join([row] * len(part))})"
                f" SELECT probe.probe_no, {PERSON_COLUMNS} FROM probe JOIN customer"
                " ON customer.num IN (SELECT num FROM customer AS candidate"
                f" {index} WHERE {LIVE} AND {condition} LIMIT {CANDIDATES_PER_QUERY})"
            )
            yield sql, [value for probe in part for value in probe]


def _with_external_codes(rows: list[tuple[Any, ...]]) -> Iterator[tuple[int, Person]]:
    if not _any_external_code():
        for row in rows:
            yield row[0], Person(*row[1:])  # PERSON_COLUMNS are its fields in order
        return
    codes = _external_codes(list({row[1] for row in rows}))
    for number, *person_row in rows:
        yield number, _person(tuple(person_row), codes.get(person_row[0], ()))


def _probes(person: Person) -> list[_Probe]:
    """The index ranges holding ``person``'s candidates."""
    probes: list[_Probe] = []
    if person.email:
        probes.append(("", "email_key = probe.v1", [person.email]))
    phones = [number for number in (digits(person.mobile), digits(person.landline)) if number]
    for number in phones:
        probes.append(("", "phone_key = probe.v1", [number]))
        probes.append(("", "landline_key = probe.v1", [number]))
    if person.card_number:
        probes.append(("", "card_number = probe.v1", [person.card_number]))
    for system, code in person.external_codes:
        probes.append(
            (
                "INDEXED BY customer_id",
                "id IN (SELECT customer_id FROM customer_external_code"
                " WHERE system = probe.v1 AND code = probe.v2)",
                [system, code],
            )
        )
    probes.extend(_name_ranges(person))
    return probes


def _name_ranges(person: Person) -> list[_Probe]:
    """Index ranges holding who could share a name block with ``person``: everyone born the
    same day or of the same company (a few), and in the same postcode the same last name, or
    last and first names starting alike, straight or swapped (``customer_postcode_name_key``,
    migration 21: a town's postcode holds thousands). The postcode as typed, in capitals, or
    without its spaces: stored postcodes keep the spaces and case they were typed with."""
    ranges: list[_Probe] = []
    if person.birth_date:
        ranges.append(("", "birth_date = probe.v1 AND birth_date != ''", [person.birth_date]))
    if company := company_key(person.company):
        ranges.append(("", "company_key = probe.v1", [company]))
    padded = _postcode_forms(person.postcode.strip())
    if padded is None:
        return ranges
    last, first = _folded(person.last_name), _folded(person.first_name)
    starts = [(last, "")]  # namesakes: typos in the first name, none given
    if first:  # names starting alike, straight or swapped
        starts += [(last[:3], first[:3]), (first[:3], last[:3])]
    for name_start, other_start in dict.fromkeys(starts):
        if not name_start:
            continue
        values = [*padded, name_start, _after(name_start)]
        if other_start:
            ranges.append((_BY_NAME, _NAMES_ALIKE, [*values, other_start, _after(other_start)]))
        else:
            ranges.append((_BY_NAME, _SAME_NAME, values))
    return ranges


_BY_NAME = "INDEXED BY customer_postcode_name_key"
_SAME_NAME = (
    f"postcode IN ({', '.join(f'probe.v{n}' for n in range(1, POSTCODE_FORMS + 1))})"
    f" AND postcode != '' AND name_key >= probe.v{POSTCODE_FORMS + 1}"
    f" AND name_key < probe.v{POSTCODE_FORMS + 2}"
)
"""In one of the postcode's forms, a name range."""
_NAMES_ALIKE = (
    f"{_SAME_NAME} AND alt_key >= probe.v{POSTCODE_FORMS + 3}"
    f" AND alt_key < probe.v{POSTCODE_FORMS + 4}"
)
"""In one of the postcode's forms, a name range and a range of the swapped name."""


_folded = lru_cache(maxsize=1 << 14)(fold)
"""``fold``, remembered: an import's chunk of a thousand people repeats its names."""


@lru_cache(maxsize=1 << 12)
def _postcode_forms(typed: str) -> tuple[str | None, ...] | None:
    """The forms of a postcode a name range reads (``POSTCODE_FORMS`` of them, NULL, which
    finds nobody, for the missing ones); None for no postcode. Remembered: a chunk of a
    thousand people lives in a few dozen postcodes."""
    if not postcode_key(typed):
        return None
    forms = list(dict.fromkeys((typed, typed.upper(), typed.replace(" ", ""))))
    forms = list(dict.fromkeys((*forms, *(form.upper() for form in forms))))
    return (*forms, *[None] * (POSTCODE_FORMS - len(forms)))


@lru_cache(maxsize=1 << 14)
def _after(prefix: str) -> str:
    """The first text after every text starting with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _any_external_code() -> bool:
    """Whether any customer has an external code (most files have none: an import's chunk
    then reads no codes for its thousands of candidates)."""
    return bool(
        database.execute_sql("SELECT EXISTS (SELECT 1 FROM customer_external_code)").fetchone()[0]
    )


def _external_codes(ids: list[str]) -> dict[str, tuple[tuple[str, str], ...]]:
    codes: dict[str, list[tuple[str, str]]] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        batch = ids[start : start + IDS_PER_QUERY]
        sql = (
            "SELECT customer_id, system, code FROM customer_external_code"
            f" WHERE customer_id IN ({', '.join('?' * len(batch))}) ORDER BY system, code"
        )
        for customer_id, system, code in database.execute_sql(sql, batch):
            codes.setdefault(customer_id, []).append((system, code))
    return {customer_id: tuple(pairs) for customer_id, pairs in codes.items()}
