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

from storage import (
    journal_seal,
    remote_campaigns,
    remote_catalog,
    remote_customers,
    remote_ledgers,
    remote_merges,
    remote_privacy,
    remote_sales,
    remote_subscriptions,
    remote_users,
    sync_state,
)
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
    "user": remote_users.apply_user,
    "campaign": remote_campaigns.apply_campaign,
    "campaign_recipient": remote_campaigns.apply_recipient,
    "coupon_redemption": remote_campaigns.apply_redemption,
    "subscription_entry": remote_subscriptions.apply_entry,
}


Merger = Callable[[str, dict[str, Any], str], "bool | None"]
"""(operation, payload, the till that made it) → as an Applier: the customer file merges
field by field, and keeps which till wrote each value."""

MERGERS: dict[str, Merger] = {
    "customer": remote_customers.apply_customer,
    "customer_address": remote_customers.apply_address,
}

OPERATIONS: dict[tuple[str, str], Merger] = {
    ("customer", "merge"): remote_merges.apply_merge,
    ("customer", "anonymise"): remote_privacy.apply_anonymise,
}
"""Operations with a merger of their own, chosen before the entity's."""


def apply_remote(changes: Iterable[RemoteChange], new_cursor: int, node: str = "") -> Applied:
    """Apply ``changes`` (checked already by the protocol) and move the pull cursor to
    ``new_cursor``, all in one transaction. ``node``: this till's name on the server, which
    its clock stamps with from then on.

    Customer creations in a row are applied together (``remote_customers.apply_creations``:
    the same outcome as one by one, faster for the thousands a new till pulls)."""
    outcomes: list[bool | None] = []
    with database.atomic(), witnessing(), journal_seal.deferred():  # one seal a chain
        if node:
            adopt_node(node)
        cursor = database.cursor()
        creations: list[tuple[dict[str, Any], str]] = []
        erased = remote_privacy.anonymised_ids(cursor)
        for change in changes:
            if remote_privacy.refused(
                change.entity, change.operation, change.payload, change.till, erased
            ):  # an edit of a customer erased here: no personal value comes back
                outcomes.append(False)
                continue
            if change.entity == "customer" and change.operation == "create":
                creations.append((change.payload, change.till))
                continue
            outcomes += remote_customers.apply_creations(creations)  # before this change
            creations = []
            # an entry or address for a customer merged away goes to the survivor
            payload = remote_merges.followed(change.entity, change.payload)
            applier = APPLIERS.get(change.entity)
            merger = OPERATIONS.get((change.entity, change.operation)) or MERGERS.get(change.entity)
            if merger is not None:
                outcome = merger(change.operation, payload, change.till)
            else:
                outcome = (
                    applier(change.entity, change.operation, payload, cursor) if applier else None
                )
            remote_merges.fill_survivor(change.entity, change.operation, payload, change.till)
            if (change.entity, change.operation) == ("customer", "anonymise"):
                erased |= remote_privacy.anonymised_ids(cursor)
            outcomes.append(outcome)
        outcomes += remote_customers.apply_creations(creations)
        sync_state.advance(sync_state.PULL_CURSOR, new_cursor, cursor)
    return Applied(
        sum(outcome is True for outcome in outcomes),
        sum(outcome is False for outcome in outcomes),
        sum(outcome is None for outcome in outcomes),
    )


def pull_cursor() -> int:
    return sync_state.get(sync_state.PULL_CURSOR)
