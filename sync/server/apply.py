"""Applying an accepted change to the server's own tables: one applier per entity, each in
its own module. The change is already numbered in the feed; an entity with no applier lives
in the feed only."""

from __future__ import annotations

from collections.abc import Callable

from sync.protocol import Change
from sync.server import customer_index, customers, invoices, ledgers, merges, privacy, sales

Applier = Callable[[str, Change], None]
"""(the till that sent it, the change): called inside the push's transaction."""

APPLIERS: dict[str, Applier] = {
    "loyalty_entry": ledgers.apply_entry,
    "account_entry": ledgers.apply_entry,
    "customer": customers.apply_customer,
    "customer_address": customers.apply_address,
    "sale": sales.apply_sale,
    "invoice": invoices.apply_invoice,
}


OPERATIONS: dict[tuple[str, str], Applier] = {
    ("customer", "merge"): merges.apply_merge,
    ("customer", "anonymise"): privacy.apply_anonymise,
}
"""Operations with an applier of their own, chosen before the entity's."""


def apply_change(till: str, change: Change) -> None:
    change = merges.followed(till, change)  # an entry or address for a merged-away customer
    applier = OPERATIONS.get((change.entity, change.operation)) or APPLIERS.get(change.entity)
    if applier is not None:
        applier(till, change)
    merges.fill_survivor(till, change)
    if change.entity == "customer":
        customer_index.refresh(change.entity_id)
