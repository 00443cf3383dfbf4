"""A person's data (GDPR): everything this till holds about one customer
(``personal_data``, ``erasure_plan``: storage/personal_data.py), and erasing it.

``anonymise`` erases every personal value wherever this till holds it, in one transaction:
the customer row (its search keys and full-text words with it), extra addresses, external
codes, loyalty cards (a card number leads to the person holding the card), the audit log's
old and new values, the customer's name in parked sales, the open sale and the receipt copies
of the journal (storage/journal_names.py), and the outbox's payloads. The row stays, named
``ANONYMISED`` under its code, so sales and ledgers keep their figures and balances; it is
marked ``anonymised_at``, audited (who, who approved, which fields: never the values) and
queued for the back office, which erases there and on every till
(storage/remote_privacy.py). A customer merged into this one is erased with it.

The print queue holds no personal value: a job reprints its sale, whose name is erased.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from storage import audit, journal_names, outbox
from storage.customer_keys import search_columns
from storage.customer_pointer import ids_counted_as
from storage.customers import get_customer, reindex
from storage.models import Customer as CustomerRow
from storage.models import (
    CustomerAddress,
    CustomerExternalCode,
    JournalRedaction,
    LoyaltyCard,
    Sale,
    database,
)
from storage.personal_data import ErasurePlan, erasure_plan, names_them, personal_data, read_cart
from storage.sales import chain_hash, journal_payload
from till.core.customer import Customer
from till.core.privacy import (
    ANONYMOUS_NAME,
    ERASED,
    ERASED_DATES,
    ERASED_FIELDS,
    erased_payload,
)
from till.core.text import fold
from till.core.words import N_
from till.errors import TillError

log = logging.getLogger(__name__)

__all__ = ["ErasurePlan", "anonymise", "erasure_plan", "personal_data"]

PARKED_LABEL = "Parked sale"
"""What a parked sale that named the person is called once they are erased."""


class AlreadyAnonymised(TillError):
    """The customer's personal data was erased already."""


@dataclass(frozen=True)
class Anonymised:
    """What an anonymisation erased (counts and field names, never values)."""

    customer_ids: tuple[str, ...]
    fields: tuple[str, ...]
    addresses: int
    external_codes: int
    cards: int
    audit_values: int
    sales_format_2: int
    sales_format_1: int
    parked: int
    open_sales: int
    outbox_rows: int


# --- the erasure ----------------------------------------------------------------------------


def is_anonymised(customer_id: str) -> bool:
    row = database.execute_sql(
        "SELECT anonymised_at FROM customer WHERE id = ?", (customer_id,)
    ).fetchone()
    return bool(row and row[0])


def anonymise(
    customer_id: str,
    *,
    actor: str,
    approved_by: str,
    now: datetime | None = None,
) -> Anonymised:
    """Erase the person ``customer_id`` is (and the customers merged into them) from this
    till, and queue the erasure for the back office. AlreadyAnonymised when it was done;
    TillError, erasing nothing, when a sale naming them no longer verifies (a redaction must
    not hide a tampered sale: ``till journal`` says which)."""
    at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():
        customer = get_customer(customer_id)
        if is_anonymised(customer.id):
            raise AlreadyAnonymised(N_("{code} was anonymised already."), code=customer.code)
        ids = ids_counted_as(customer.id)
        done = erase(ids, actor=actor, approved_by=approved_by, at=at, strict=True)
        for cid in done.customer_ids:
            outbox.append(
                "customer",
                cid,
                "anonymise",
                {"id": cid, "at": at, "actor": actor, "approved_by": approved_by},
                at,
            )
    return done


def erase(ids: list[str], *, actor: str, approved_by: str, at: str, strict: bool) -> Anonymised:
    """Erase the customers ``ids`` not erased yet (inside the caller's transaction); no
    outbox row. ``strict``: refuse when a format-1 sale naming them does not verify (a
    pulled erasure erases the rest and leaves that sale as it is, for ``till journal`` to
    report). SQLite zeroes what it deletes meanwhile (``secure_delete``)."""
    with _secure_delete():
        return _erase(ids, actor=actor, approved_by=approved_by, at=at, strict=strict)


def _erase(ids: list[str], *, actor: str, approved_by: str, at: str, strict: bool) -> Anonymised:
    todo = [cid for cid in ids if not is_anonymised(cid)]
    marks = ", ".join("?" * len(todo))
    counts = dict.fromkeys(
        ("addresses", "external_codes", "cards", "parked", "open_sales", "outbox_rows"), 0
    )
    held: dict[str, set[str]] = {}
    if not todo:
        return Anonymised((), (), 0, 0, 0, 0, 0, 0, 0, 0, 0)
    words = set()
    for cid in todo:
        before = get_customer(cid)
        words |= _name_words(before)
        held[cid] = _erase_file(before, at)
        counts["addresses"] += (
            CustomerAddress.delete().where(CustomerAddress.customer == cid).execute()
        )
        counts["external_codes"] += (
            CustomerExternalCode.delete().where(CustomerExternalCode.customer == cid).execute()
        )
        counts["cards"] += LoyaltyCard.delete().where(LoyaltyCard.customer == cid).execute()
    audit_values = database.execute_sql(
        "UPDATE audit_log SET value_salt = '',"  # the salt goes with the values it hid
        " old_value = CASE WHEN old_value = '' THEN '' ELSE ? END,"
        " new_value = CASE WHEN new_value = '' THEN '' ELSE ? END"
        f" WHERE entity = 'customer' AND entity_id IN ({marks})"
        " AND (old_value NOT IN ('', ?) OR new_value NOT IN ('', ?))",
        (ERASED, ERASED, *todo, ERASED, ERASED),
    ).rowcount
    formats = _redact_sales(todo, actor=actor, approved_by=approved_by, at=at, strict=strict)
    counts["parked"] = _erase_parked(todo, words)
    counts["open_sales"] = _erase_open(todo)
    counts["outbox_rows"] = _erase_outbox(todo)
    database.execute_sql("INSERT INTO customer_fts (customer_fts) VALUES ('optimize')")
    for cid in todo:
        audit.record(
            "customer",
            cid,
            "anonymise",
            f"{actor}, approved by {approved_by}",
            at,
            [(name, "", "") for name in sorted(held[cid])] or [("", "", "")],
        )
    return Anonymised(
        customer_ids=tuple(todo),
        fields=tuple(sorted(set().union(*held.values()))),
        audit_values=audit_values,
        sales_format_2=formats[journal_names.FORMAT_2],
        sales_format_1=formats[journal_names.FORMAT_1],
        **counts,
    )


def _erase_file(before: Customer, at: str) -> set[str]:
    """The customer row erased, its search keys and full-text words with it; the names of
    the fields that held something."""
    held = {
        name
        for name, value in ERASED_FIELDS.items()
        if getattr(before, name) not in (value, "", (), {}, None, False)
        and name not in ("active", "last_name")
    }
    if before.last_name and before.last_name != ANONYMOUS_NAME:
        held.add("last_name")
    held |= {name for name in ERASED_DATES if getattr(before, name)}
    held |= {"addresses"} if before.addresses else set()
    values: dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value
        for name, value in ERASED_FIELDS.items()
    }
    values.update(dict.fromkeys(ERASED_DATES, ""), addresses=(), updated_at=at)
    after = replace(before, **values)
    row = CustomerRow.get(CustomerRow.id == before.id)
    reindex(row.num, before, after)
    columns = {
        **{name: getattr(after, name) for name in ERASED_FIELDS if name != "external_codes"},
        **dict.fromkeys(ERASED_DATES, ""),
        "targeting": "[]",
        "extra": "{}",
        "card_number": None,
        "updated_at": at,
        "anonymised_at": at,
        **search_columns(after),
    }
    CustomerRow.update(columns).where(CustomerRow.id == before.id).execute()
    return held


def _name_words(customer: Customer) -> set[str]:
    """Folded words of the person's names: a parked sale labelled with one named them."""
    text = " ".join((customer.last_name, customer.first_name, customer.nickname, customer.company))
    return {word for word in fold(text).split() if len(word) >= 2}


def _redact_sales(
    ids: list[str], *, actor: str, approved_by: str, at: str, strict: bool
) -> dict[int, int]:
    """Erase the name from the receipt header of every sale here naming them, each with its
    redaction recorded (storage/journal_names.py); how many of each journal format."""
    counts = {journal_names.FORMAT_1: 0, journal_names.FORMAT_2: 0}
    query = Sale.select().where(Sale.customer_id.in_(ids) & Sale.receipt_header.is_null(False))
    for sale in query.order_by(Sale.till_no, Sale.receipt_no):
        kept = json.loads(sale.receipt_header or "{}")
        if not journal_names.names_someone(kept):
            continue
        version = journal_names.journal_format(kept)
        residual = ""
        if version == journal_names.FORMAT_1:
            payload, _ = journal_payload(sale)
            if chain_hash(sale.previous_hash, payload) != sale.journal_hash:
                if strict:
                    raise TillError(
                        N_(
                            "Sale {receipt} names this customer and no longer verifies "
                            "('till journal'): nothing was erased. Have the journal checked "
                            "first."
                        ),
                        receipt=sale.receipt_code,
                    )
                log.error(
                    "sale %s no longer verifies: the customer's name in it is left for the "
                    "journal's check ('till journal')",
                    sale.receipt_code,
                )
                continue
            payload["receipt_header"] = journal_names.erased(kept)
            residual = chain_hash(sale.previous_hash, payload)
        JournalRedaction.insert(
            sale_id=sale.id,
            till_no=sale.till_no,
            at=at,
            actor=actor,
            approved_by=approved_by,
            journal_format=version,
            residual_hash=residual,
        ).on_conflict_ignore().execute()
        erased = json.dumps(journal_names.erased(kept), ensure_ascii=False)
        Sale.update(receipt_header=erased).where(Sale.id == sale.id).execute()
        counts[version] += 1
    return counts


def _erased_cart(cart: dict[str, Any]) -> dict[str, Any]:
    customer = dict(cart["customer"])
    customer.update(name=ANONYMOUS_NAME, enrolled=False)
    return {**cart, "customer": customer}


def _erase_parked(ids: list[str], words: set[str]) -> int:
    """Parked sales attached to them lose the name; one labelled with their name, its label."""
    changed = 0
    rows = database.execute_sql("SELECT id, name, cart FROM parked_sale").fetchall()
    for parked_id, label, text in rows:
        cart = read_cart(text)
        mine = names_them(cart, ids)
        labelled = bool(words & set(fold(label).split()))
        if not (mine or labelled):
            continue
        database.execute_sql(
            "UPDATE parked_sale SET name = ?, cart = ? WHERE id = ?",
            (
                PARKED_LABEL if labelled else label,
                json.dumps(_erased_cart(cart), ensure_ascii=False) if mine else text,
                parked_id,
            ),
        )
        changed += 1
    return changed


def _erase_open(ids: list[str]) -> int:
    changed = 0
    rows = database.execute_sql("SELECT till_no, cart FROM open_sale WHERE cart IS NOT NULL")
    for till_no, text in rows.fetchall():
        cart = read_cart(text)
        if names_them(cart, ids):
            database.execute_sql(
                "UPDATE open_sale SET cart = ? WHERE till_no = ?",
                (json.dumps(_erased_cart(cart), ensure_ascii=False), till_no),
            )
            changed += 1
    return changed


def _erase_outbox(ids: list[str]) -> int:
    """Every outbox payload about them, sent or not, as it reads once they are erased: the
    server gets no personal value from a change still waiting, and the till keeps none."""
    marks = ", ".join("?" * len(ids))
    rows = database.execute_sql(
        "SELECT seq, entity, payload FROM outbox WHERE"
        f" (entity = 'customer' AND entity_id IN ({marks}))"
        " OR (entity = 'customer_address'"
        f" AND json_extract(payload, '$.customer_id') IN ({marks}))"
        " OR (entity = 'sale'"
        f" AND entity_id IN (SELECT id FROM sale WHERE customer_id IN ({marks})))",
        (*ids, *ids, *ids),
    ).fetchall()
    changed = 0
    for seq, entity, text in rows:
        payload = json.loads(text)
        erased = erased_payload(entity, payload)
        if erased != payload:
            database.execute_sql(
                "UPDATE outbox SET payload = ? WHERE seq = ?",
                (json.dumps(erased, separators=(",", ":")), seq),
            )
            changed += 1
    return changed


class _secure_delete:
    """SQLite overwrites what the erasure deletes (freed cells and pages) with zeros, instead
    of leaving it readable in the file until the space is reused."""

    def __enter__(self) -> None:
        self._was = database.execute_sql("PRAGMA secure_delete").fetchone()[0]
        database.execute_sql("PRAGMA secure_delete = 1")

    def __exit__(self, *exc: object) -> None:
        database.execute_sql(f"PRAGMA secure_delete = {int(self._was)}")
