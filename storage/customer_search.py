"""Finding customers as the cashier types. One plan per kind of query, each an index range:

- e-mail (has ``@``): prefix range on the folded e-mail;
- digits: exact loyalty card, then prefix ranges on the mobile and landline digits (E.164,
  so ``06 12``, ``+33 6 12`` and ``0033612`` all find ``+33612…``);
- customer code (``C01-…``): prefix range on the code;
- words: prefix ranges on "last first", "first last" and the company, merged by name;
- and only when those find nothing, the FTS5 index (any word, anywhere, accents folded).

Every plan reads at most ``limit`` rows per range; none sorts the whole table.
"""

from __future__ import annotations

import re
from functools import cache

from storage.models import database
from till.core.customer_lookup import CustomerFilter, CustomerSummary
from till.core.text import digits, fold, fold_email

MAX_QUERY_LENGTH = 100
_CODE = re.compile(r"^c\d{1,2}(-\d{0,6})?$", re.IGNORECASE)
_PHONE_CHARS = re.compile(r"^[0-9+ .()/-]+$")

SUMMARY_COLUMNS = (
    "id, code, kind, last_name, first_name, company, city, mobile, email, card_number, "
    "active, segment, name_key"
)


def search_customers(
    query: str, filters: CustomerFilter = CustomerFilter(), *, region: str = "FR", limit: int = 50
) -> list[CustomerSummary]:
    text = query.strip()[:MAX_QUERY_LENGTH]
    where, params = _filter_sql(filters)
    if not text:
        return _ranges([("name_key", "")], where, params, limit)
    if "@" in text:
        return _ranges([("email_key", fold_email(text))], where, params, limit)
    if _PHONE_CHARS.match(text) and len(digits(text)) >= 2:
        found = _exact("card_number", digits(text), where, params)
        phone = phone_prefix(text, region)
        found += _ranges([("phone_key", phone), ("landline_key", phone)], where, params, limit)
        return _unique(found)[:limit]
    if _CODE.match(text):
        return _ranges([("code", text.upper())], where, params, limit)
    words = fold(text)
    if not words:
        return []
    found = _ranges(
        [("name_key", words), ("alt_key", words), ("company_key", words)], where, params, limit
    )
    return found or _full_text(words, where, params, limit)


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


def _filter_sql(filters: CustomerFilter) -> tuple[str, list]:
    clauses, params = [], []
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
    return "".join(f" AND {clause}" for clause in clauses), params


def _upper_bound(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"


def _ranges(ranges: list[tuple[str, str]], where: str, params: list, limit: int) -> list:
    """Rows whose column starts with the prefix, for each (column, prefix) in order of
    preference (a last-name match before a first-name match), then by the matched key."""
    parts, values = [], []
    for rank, (column, prefix) in enumerate(ranges):
        parts.append(
            f"SELECT * FROM (SELECT {SUMMARY_COLUMNS}, {rank} AS rank, {column} AS sort_key"
            " FROM customer"
            f" INDEXED BY customer_{column} WHERE {column} >= ? AND {column} < ?{where}"
            f" ORDER BY {column} LIMIT ?)"
        )
        values += [prefix, _upper_bound(prefix), *params, limit]
    if len(parts) == 1:
        return _summaries(database.execute_sql(parts[0], values))
    sql = " UNION ALL ".join(parts) + " ORDER BY rank, sort_key, code"
    return _unique(_summaries(database.execute_sql(sql, values)))[:limit]


def _exact(column: str, value: str, where: str, params: list) -> list:
    sql = f"SELECT {SUMMARY_COLUMNS} FROM customer WHERE {column} = ?{where}"
    return _summaries(database.execute_sql(sql, (value, *params)))


def _full_text(words: str, where: str, params: list, limit: int) -> list:
    sql = (
        f"SELECT {SUMMARY_COLUMNS} FROM customer WHERE num IN "
        "(SELECT rowid FROM customer_fts WHERE customer_fts MATCH ? LIMIT ?)"
        f"{where} ORDER BY name_key, code LIMIT ?"
    )
    return _summaries(database.execute_sql(sql, (fts_query(words), limit * 4, *params, limit)))


def _summaries(cursor) -> list[CustomerSummary]:
    return [CustomerSummary(*row[:9], row[9] or "", bool(row[10]), row[11]) for row in cursor]


def _unique(found: list[CustomerSummary]) -> list[CustomerSummary]:
    return list({summary.id: summary for summary in found}.values())
