"""Applying changes pulled from the back office: its own storage path, apart from the one the
cashier's actions take. It keeps the remote ids, codes and times, writes no outbox row (the
change is already on the server) and moves the pull cursor in the same transaction, so a
crash leaves either both or neither.

One applier per entity, each in its own module (``storage/remote_*.py``). An entity or
operation with no applier is passed over: the cursor moves past it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from storage import remote_catalog, remote_customers, remote_ledgers, remote_sales, sync_state
from storage.clock import adopt_node, witnessing
from storage.models import database


@dataclass(frozen=True)
class RemoteChange:
    """One change from the feed, as the storage layer needs it."""

    entity: str
    operation: str
    payload: dict[str, Any]
    till: str = ""
    """The till that made it (the server's name for it)."""


@dataclass(frozen=True)
class Applied:
    """What a pull did to this till."""

    inserted: int
    already_here: int
    passed_over: int


Applier = Callable[[str, str, dict[str, Any], Any], "bool | None"]
"""(entity, operation, payload, cursor) → True: applied; False: this till had it already;
None: not applied. Called inside the pull's transaction."""

APPLIERS: dict[str, Applier] = {
    "loyalty_entry": remote_ledgers.apply_entry,
    "account_entry": remote_ledgers.apply_entry,
    "product": remote_catalog.apply_product,
    "price": remote_catalog.apply_price,
    "sale": remote_sales.apply_sale,
}


Merger = Callable[[str, dict[str, Any], str], "bool | None"]
"""(operation, payload, the till that made it) → as an Applier: the customer file merges
field by field, and keeps which till wrote each value."""

MERGERS: dict[str, Merger] = {
    "customer": remote_customers.apply_customer,
    "customer_address": remote_customers.apply_address,
}


def apply_remote(changes: Iterable[RemoteChange], new_cursor: int, node: str = "") -> Applied:
    """Apply ``changes`` (checked already by the protocol) and move the pull cursor to
    ``new_cursor``, all in one transaction. ``node``: this till's name on the server, which
    its clock stamps with from then on."""
    inserted = already = passed = 0
    with database.atomic(), witnessing():
        if node:
            adopt_node(node)
        cursor = database.cursor()
        for change in changes:
            applier = APPLIERS.get(change.entity)
            merger = MERGERS.get(change.entity)
            if merger is not None:
                outcome = merger(change.operation, change.payload, change.till)
            else:
                outcome = (
                    applier(change.entity, change.operation, change.payload, cursor)
                    if applier
                    else None
                )
            inserted += outcome is True
            already += outcome is False
            passed += outcome is None
        sync_state.advance(sync_state.PULL_CURSOR, new_cursor, cursor)
    return Applied(inserted, already, passed)


def pull_cursor() -> int:
    return sync_state.get(sync_state.PULL_CURSOR)
