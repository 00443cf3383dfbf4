"""Search keys and the full-text index rebuilt with the folding that keeps every script.

Before, folding kept only ASCII letters: an Arabic, Hebrew, Greek or Cyrillic name had no
search words (and searching for it found everyone). The contentless index must hold exactly
the words the code computes, or removing a customer's old words on the next change would
remove the wrong ones; so every customer's keys and words are written again.
"""

from __future__ import annotations

from typing import Any

from storage.customer_keys import search_columns, search_text
from till.core.customer import Customer

FIELDS = (
    "last_name",
    "first_name",
    "nickname",
    "company",
    "email",
    "mobile",
    "landline",
    "city",
    "postcode",
    "card_number",
)


def up(database) -> None:
    external: dict[str, dict[str, str]] = {}
    for customer_id, system, code in database.execute_sql(
        "SELECT customer_id, system, code FROM customer_external_code"
    ).fetchall():
        external.setdefault(customer_id, {})[system] = code
    database.execute_sql("INSERT INTO customer_fts (customer_fts) VALUES ('delete-all')")
    rows = database.execute_sql(f"SELECT num, id, code, {', '.join(FIELDS)} FROM customer")
    for num, customer_id, code, *values in rows.fetchall():
        texts: dict[str, Any] = {
            name: value or "" for name, value in zip(FIELDS, values, strict=True)
        }
        customer = Customer(
            customer_id, code, **texts, external_codes=external.get(customer_id, {})
        )
        keys = search_columns(customer)
        assignments = ", ".join(f"{column} = ?" for column in keys)
        database.execute_sql(
            f"UPDATE customer SET {assignments} WHERE num = ?", (*keys.values(), num)
        )
        database.execute_sql(
            "INSERT INTO customer_fts (rowid, body) VALUES (?, ?)", (num, search_text(customer))
        )
