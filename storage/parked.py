"""Parked sales: carts put aside under a name and resumed later, on the same till."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from storage.ids import new_id
from storage.models import ParkedSale, database
from storage.rows import tuples
from till.core.sale import Cart, Parked, cart_document, cart_from_document
from till.core.text import printable
from till.core.words import N_
from till.errors import InvalidSale, TillError

MAX_NAME = 40


def park(cart: Cart, name: str, *, till_no: int) -> Parked:
    if not cart.lines:
        raise InvalidSale(N_("The sale is empty: nothing to park."))
    if cart.payments or cart.points_discount:
        raise InvalidSale(N_("Payment has started: finish this sale before parking it."))
    label = " ".join(printable(name).split())[:MAX_NAME] or "Parked sale"  # typed: stripped
    parked = Parked(new_id(), label, datetime.now(UTC).isoformat(), cart.total, cart.item_count)
    ParkedSale.insert(
        id=parked.id,
        name=parked.name,
        till_no=till_no,
        created_at=parked.created_at,
        total=parked.total,
        item_count=parked.item_count,
        cart=json.dumps(cart_document(cart), ensure_ascii=False),
    ).execute()
    return parked


def parked_sales(till_no: int) -> list[Parked]:
    query = (
        ParkedSale.select(
            ParkedSale.id,
            ParkedSale.name,
            ParkedSale.created_at,
            ParkedSale.total,
            ParkedSale.item_count,
        )
        .where(ParkedSale.till_no == till_no)
        .order_by(ParkedSale.created_at)
    )
    return [Parked(*row) for row in tuples(query)]


def resume(parked_id: str) -> Cart:
    """The parked cart, taken off the list in the same transaction."""
    with database.atomic():
        row = ParkedSale.get_or_none(ParkedSale.id == parked_id)
        if row is None:
            raise TillError(N_("That parked sale was already resumed or discarded."))
        try:
            cart = cart_from_document(json.loads(row.cart))
        except (TypeError, KeyError, ValueError):
            raise TillError(
                N_("The parked sale {name!r} cannot be read back; it is kept as it is."),
                name=row.name,
            ) from None
        row.delete_instance()
    return cart


def discard(parked_id: str) -> None:
    ParkedSale.delete().where(ParkedSale.id == parked_id).execute()
