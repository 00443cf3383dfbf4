"""Finding customers as the cashier types. One plan per kind of query, each an index range:

- e-mail (has ``@``): prefix range on the folded e-mail;
- digits: exact loyalty card, then prefix ranges on the mobile and landline digits (E.164,
  so ``06 12``, ``+33 6 12`` and ``0033612`` all find ``+33612…``);
- customer code (``C01-…``): prefix range on the code;
- words: prefix ranges on "last first", "first last" and the company, merged by name, then
  on the e-mail; but text that cannot be a name (one word with a dot: ``jean.dupo``) is the
  start of an e-mail address: the e-mail range alone, and the name ranges only when no
  address starts so;
- and only when those find nothing, the FTS5 index (any word, anywhere, accents folded).

Every plan reads at most ``limit`` rows per range; none sorts the whole table.
"""

from __future__ import annotations

import re
from dataclasses import fields
from functools import cache

from storage.models import database
from till.core.customer_lookup import CustomerFilter, CustomerSummary
from till.core.text import digits, fold, fold_email

MAX_QUERY_LENGTH = 100
_CODE = re.compile(r"^c\d{1,2}(-\d{0,6})?$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^[0-9+ .()/-]+$")

_SUMMARY_FIELDS = tuple(field.name for field in fields(CustomerSummary))
SUMMARY_COLUMNS = ", ".join((*_SUMMARY_FIELDS, "name_key"))
"""A result's columns, named and ordered as its fields, then the name key (the full-text
plan sorts by it)."""


def search_customers(
    query: str, filters: CustomerFilter = CustomerFilter(), *, region: str = "FR", limit: int = 50
) -> list[CustomerSummary]:
    text = query.strip()[:MAX_QUERY_LENGTH]
    search = _Search(filters, limit)
    if not text:
        search.ranges([("name_key", "")])
    elif "@" in text:
        search.ranges([("email_key", fold_email(text))])
    elif _PHONE_CHARS.match(text) and digits(text):
        search.exact("card_number", digits(text))
        phone = phone_prefix(text, region)
        search.ranges([("phone_key", phone), ("landline_key", phone)])
        search.full_text(digits(text))  # a postcode, or a code typed without its letter
    elif _CODE.match(text):
        search.ranges([("code", text.upper())])
    else:
        words = fold(text)
        if words:  # only punctuation or symbols: no name starts with nothing in particular
            names = [("name_key", words), ("alt_key", words), ("company_key", words)]
            email = [("email_key", fold_email(text))]
            if is_email_start(text):
                search.ranges(email)
                if not search.rows:  # no address starts so: the words may still be a name
                    search.ranges(names)
            else:
                search.ranges(names + email)
            search.full_text(words)
    return search.results()


def is_email_start(text: str) -> bool:
    """Text without an ``@`` that cannot be a name: one word holding a dot (``jean.dupo``).
    A dot in a name comes with a space (``St. Pierre``); digits alone do not tell, as a
    company may hold them (``M6``)."""
    return "." in text and " " not in text


def everyone(
    filters: CustomerFilter = CustomerFilter(), *, offset: int = 0, limit: int = 50
) -> list[CustomerSummary]:
    """One page of every customer the filters allow, by name: what an empty search lists."""
    where, params = _filter_sql(filters)
    sql = (
        f"SELECT {SUMMARY_COLUMNS} FROM customer INDEXED BY customer_name_key"
        f" WHERE name_key >= ?{where} ORDER BY name_key, num LIMIT ? OFFSET ?"
    )
    rows = database.execute_sql(sql, ("", *params, limit, offset))
    return [_summary(row) for row in rows]


def count_everyone(filters: CustomerFilter = CustomerFilter()) -> int:
    """How many customers the filters allow: the length of the list an empty search pages."""
    where, params = _filter_sql(filters)
    sql = f"SELECT COUNT(*) FROM customer WHERE 1{where}"
    return database.execute_sql(sql, params).fetchone()[0]


def phone_prefix(text: str, region: str) -> str:
    """What a typed phone fragment starts with in E.164 digits."""
    number = digits(text)
    stripped = text.strip()
    if stripped.startswith("+"):
        return number
    if number.startswith("00"):
        return number[2:]
    national = number[1:] if number.startswith("0") else number
    return _country_code(region) + national


@cache
def _country_code(region: str) -> str:
    import phonenumbers

    return str(phonenumbers.country_code_for_region(region))


def fts_query(words: str) -> str:
    """A MATCH expression that cannot be a syntax error: every word quoted, as a prefix."""
    printable = "".join(c if c.isprintable() else " " for c in words)
    return " ".join('"' + word.replace('"', '""') + '"*' for word in printable.split())


@cache
def _filter_sql(filters: CustomerFilter) -> tuple[str, tuple[str, ...]]:
    clauses, params = ["merged_into IS NULL"], []  # a merged-away code finds its survivor
    if filters.status == "active":
        clauses.append("active = 1")
    elif filters.status == "inactive":
        clauses.append("active = 0")
    if filters.kind:
        clauses.append("kind = ?")
        params.append(filters.kind)
    if filters.segment:
        clauses.append("segment = ?")
        params.append(filters.segment)
    return "".join(f" AND {clause}" for clause in clauses), tuple(params)


@cache
def _range_sql(column: str, where: str) -> str:
    return (
        f"SELECT {SUMMARY_COLUMNS} FROM customer INDEXED BY customer_{column}"
        f" WHERE {column} >= ? AND {column} < ?{where} ORDER BY {column} LIMIT ?"
    )


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"


class _Search:
    """Runs plans in order of preference and keeps the first ``limit`` distinct customers,
    stopping as soon as it has them; later plans only run if earlier ones fell short."""

    def __init__(self, filters: CustomerFilter, limit: int) -> None:
        self.where, self.params = _filter_sql(filters)
        self.limit = limit
        self.rows: dict[str, tuple] = {}

    def ranges(self, ranges: list[tuple[str, str]]) -> None:
        """Customers whose column starts with the prefix, in the column's order."""
        for column, prefix in ranges:
            if len(self.rows) >= self.limit:
                return
            if column != "name_key" and not prefix:
                continue
            bounds = (prefix, _upper_bound(prefix), *self.params, self.limit)
            self._take(database.execute_sql(_range_sql(column, self.where), bounds).fetchall())

    def exact(self, column: str, value: str) -> None:
        sql = f"SELECT {SUMMARY_COLUMNS} FROM customer WHERE {column} = ?{self.where}"
        self._take(database.execute_sql(sql, (value, *self.params)).fetchall())

    def full_text(self, words: str) -> None:
        """Words anywhere, through FTS5, when the index ranges found nobody. The filters apply
        before the limit; the matches come in index order and are then sorted by name."""
        if self.rows or len(words.replace(" ", "")) < 2:
            return
        sql = (
            f"SELECT {_qualified(SUMMARY_COLUMNS)} FROM customer_fts"
            " JOIN customer ON customer.num = customer_fts.rowid"
            f" WHERE customer_fts MATCH ?{self.where} LIMIT ?"
        )
        found = database.execute_sql(sql, (fts_query(words), *self.params, self.limit))
        self._take(sorted(found, key=lambda row: (row[12], row[1])))

    def _take(self, rows: list[tuple]) -> None:
        if not self.rows:  # the first plan: one id per row, and no more rows than the limit
            self.rows = {row[0]: row for row in rows[: self.limit]}
            return
        for row in rows:
            if row[0] not in self.rows:
                self.rows[row[0]] = row
                if len(self.rows) >= self.limit:
                    return

    def results(self) -> list[CustomerSummary]:
        return [_summary(row) for row in self.rows.values()]


_blank_summary = object.__new__


def _summary(row: tuple) -> CustomerSummary:
    """A row of ``SUMMARY_COLUMNS`` as a search result, its fields filled in place rather
    than by the frozen dataclass's ``__init__`` (an ``object.__setattr__`` call each):
    building a keystroke's 50 results is most of the time the search spends in Python."""
    summary = _blank_summary(CustomerSummary)
    values = vars(summary)
    values.update(zip(_SUMMARY_FIELDS, row, strict=False))  # the name key has no field
    values["card_number"] = row[9] or ""
    values["active"] = bool(row[10])
    return summary


def _qualified(columns: str) -> str:
    return ", ".join(f"customer.{name.strip()}" for name in columns.split(","))
