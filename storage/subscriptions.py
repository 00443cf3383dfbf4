"""Subscription plans and each customer's purchases of them (docs/subscriptions.md).

A plan is kept by the product that sells it. A purchase is one append-only row carrying
the plan's benefit as sold (name, rate, categories) and the days it covers, written with its
outbox row in the transaction of the sale; a refund appends a cancellation. Another till
applies the benefit from the row alone, whether or not it sells the plan."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from storage import outbox
from storage.customer_pointer import ids_counted_as, survivor_id
from storage.ids import new_id
from storage.models import SubscriptionPlan, database
from till.core.subscriptions import (
    MAX_UNITS,
    Benefit,
    DurationUnit,
    Period,
    Plan,
    Standing,
    check_plan,
    period_after,
)
from till.core.words import N_
from till.errors import InvalidSale

START, RENEW, CANCEL = "start", "renew", "cancel"
KINDS = (START, RENEW, CANCEL)
ENTITY = "subscription_entry"

_COLUMNS = (
    "id, customer_id, kind, plan, plan_name, discount_bp, categories, starts, ends, sale_id,"
    " cancels, till_no, actor, created_at"
)
_INSERT = f"INSERT INTO subscription_entry ({_COLUMNS}) VALUES ({', '.join('?' * 14)})"


def save_plan(plan: Plan, now: datetime | None = None) -> Plan:
    """Add or change the plan its product sells (checked and cleaned first)."""
    plan = check_plan(plan)
    SubscriptionPlan.replace(
        product_id=plan.product_id,
        name=plan.name,
        duration=plan.duration,
        unit=str(plan.unit),
        discount_bp=plan.discount_bp,
        categories=json.dumps(list(plan.categories), ensure_ascii=False),
        active=True,
        updated_at=(now or datetime.now(UTC)).isoformat(),
    ).execute()
    return plan


def withdraw_plan(product_id: str) -> bool:
    """Stop selling a plan (purchases already made keep their benefit); False: no such plan."""
    return bool(
        SubscriptionPlan.update(active=False)
        .where(SubscriptionPlan.product_id == product_id)
        .execute()
    )


def plans() -> list[Plan]:
    """Every plan on sale, by name."""
    rows = database.execute_sql(
        "SELECT product_id, name, duration, unit, discount_bp, categories"
        " FROM subscription_plan WHERE active ORDER BY name"
    )
    return [_plan(*row) for row in rows]


def plans_for(product_ids: Iterable[str]) -> dict[str, Plan]:
    """The plans among ``product_ids``, by product id (one query; none: an empty dict)."""
    wanted = list(dict.fromkeys(product_ids))
    if not wanted:
        return {}
    rows = database.execute_sql(  # every scan asks: plain SQL, no query building
        "SELECT product_id, name, duration, unit, discount_bp, categories"
        f" FROM subscription_plan WHERE active AND product_id IN ({', '.join('?' * len(wanted))})",
        wanted,
    )
    return {row[0]: _plan(*row) for row in rows}


def _plan(
    product_id: str, name: str, duration: int, unit: str, discount_bp: int, categories: str
) -> Plan:
    return Plan(
        product_id, name, duration, DurationUnit(unit), discount_bp, tuple(json.loads(categories))
    )


def standing(customer_id: str) -> Standing:
    """A customer's purchases, newest first, those a refund cancelled marked so (with those
    of customers merged into them)."""
    ids = ids_counted_as(customer_id)
    rows = database.execute_sql(
        f"SELECT {_COLUMNS} FROM subscription_entry"
        f" WHERE customer_id IN ({', '.join('?' * len(ids))})"
        " ORDER BY created_at DESC, id DESC",
        ids,
    ).fetchall()
    cancelled = {row[10] for row in rows if row[2] == CANCEL}
    periods = tuple(
        Period(
            id=row[0],
            plan=row[3],
            benefit=Benefit(row[4], row[5], tuple(json.loads(row[6]))),
            starts=date.fromisoformat(row[7]),
            ends=date.fromisoformat(row[8]),
            sale_id=row[9] or "",
            created_at=row[13],
            cancelled=row[0] in cancelled,
        )
        for row in rows
        if row[2] != CANCEL
    )
    return Standing(periods)


@dataclass(frozen=True)
class Purchase:
    """Units of a plan on a sale."""

    plan: Plan
    units: int


def purchases(lines: Iterable[tuple[str, int]]) -> list[Purchase]:
    """The plans among a sale's (product id, quantity) lines, units added up per plan."""
    units: dict[str, int] = {}
    for product_id, quantity in lines:
        units[product_id] = units.get(product_id, 0) + quantity
    found = plans_for(units)
    return [Purchase(plan, units[product_id]) for product_id, plan in found.items()]


def check_purchases(found: list[Purchase], customer_id: str | None) -> None:
    """InvalidSale unless the sale's plans can be activated: a customer attached, and no more
    than MAX_UNITS of a plan."""
    if found and not customer_id:
        raise InvalidSale(
            N_("{plan} is a subscription: attach its customer first."), plan=found[0].plan.name
        )
    for purchase in found:
        if purchase.units > MAX_UNITS:
            raise InvalidSale(
                N_("At most {most} cards of {plan} on one sale."),
                most=MAX_UNITS,
                plan=purchase.plan.name,
            )


def activate(
    found: list[Purchase],
    *,
    customer_id: str,
    sale_id: str,
    today: date,
    till_no: int,
    actor: str,
    now: datetime | None = None,
) -> list[Period]:
    """Start or renew the plans bought on a sale, one period a unit; call inside the sale's
    transaction. A renewal bought while the plan still holds extends it from its last day."""
    if not found:
        return []
    check_purchases(found, customer_id)
    at = (now or datetime.now(UTC)).isoformat()
    customer_id = survivor_id(customer_id)
    held = standing(customer_id)
    made = []
    cursor = database.cursor()
    for purchase in found:
        mine = [p for p in held.periods if p.plan == purchase.plan.product_id and not p.cancelled]
        last_end = max((p.ends for p in mine), default=None)
        for unit in range(purchase.units):
            starts, ends = period_after(purchase.plan, last_end, today)
            kind = RENEW if mine or unit else START
            period = Period(
                new_id(),
                purchase.plan.product_id,
                Benefit(purchase.plan.name, purchase.plan.discount_bp, purchase.plan.categories),
                starts,
                ends,
                sale_id,
                at,
            )
            _append(cursor, period, customer_id, kind, None, till_no, actor)
            made.append(period)
            last_end = ends
    return made


def cancel_refunded(
    refund_id: str, refunded_sale_id: str, *, till_no: int, actor: str, now: datetime | None = None
) -> int:
    """Cancel the periods the refund ``refund_id`` gives back (one a unit of the plan it
    returns, the latest first); call inside the refund's transaction. Returns how many."""
    returned = database.execute_sql(
        "SELECT product_id, -SUM(quantity) FROM sale_line WHERE sale_id = ? GROUP BY product_id",
        (refund_id,),
    ).fetchall()
    units = {product_id: count for product_id, count in returned if count > 0}
    rows = database.execute_sql(
        f"SELECT {_COLUMNS} FROM subscription_entry WHERE sale_id = ? AND kind != ?"
        " ORDER BY starts DESC",
        (refunded_sale_id, CANCEL),
    ).fetchall()
    if not rows or not units:
        return 0
    already = {
        cancels
        for (cancels,) in database.execute_sql(
            "SELECT cancels FROM subscription_entry WHERE kind = ? AND cancels IN"
            f" ({', '.join('?' * len(rows))})",
            (CANCEL, *(row[0] for row in rows)),
        )
    }
    at = (now or datetime.now(UTC)).isoformat()
    cancelled = 0
    for row in rows:
        if row[0] in already or units.get(row[3], 0) <= 0:
            continue
        units[row[3]] -= 1
        cancelled_period = Period(
            row[0],
            row[3],
            Benefit(row[4], row[5], tuple(json.loads(row[6]))),
            date.fromisoformat(row[7]),
            date.fromisoformat(row[8]),
        )
        cancel(cancelled_period, row[1], refund_id, till_no=till_no, actor=actor, at=at)
        cancelled += 1
    return cancelled


def cancel(
    period: Period, customer_id: str, refund_id: str | None, *, till_no: int, actor: str, at: str
) -> str:
    """Append the cancellation of ``period`` (a refund's, ``refund_id``); returns its id."""
    entry = replace(period, id=new_id(), sale_id=refund_id or "", created_at=at)
    _append(database.cursor(), entry, customer_id, CANCEL, period.id, till_no, actor)
    return entry.id


def _append(
    cursor: Any,
    period: Period,
    customer_id: str,
    kind: str,
    cancels: str | None,
    till_no: int,
    actor: str,
) -> None:
    entry = entry_of(period, customer_id, kind, cancels, till_no, actor)
    insert(entry, cursor)
    outbox.append(ENTITY, period.id, "create", entry, period.created_at, cursor=cursor)


def entry_of(
    period: Period, customer_id: str, kind: str, cancels: str | None, till_no: int, actor: str
) -> dict[str, Any]:
    """A purchase or cancellation as the outbox carries it (sync/payloads.py checks it)."""
    return {
        "id": period.id,
        "customer_id": customer_id,
        "kind": kind,
        "plan": period.plan,
        "plan_name": period.benefit.name,
        "discount_bp": period.benefit.discount_bp,
        "categories": list(period.benefit.categories),
        "starts": period.starts.isoformat(),
        "ends": period.ends.isoformat(),
        "sale_id": period.sale_id or None,
        "cancels": cancels,
        "till_no": till_no,
        "actor": actor,
        "at": period.created_at,
    }


def insert(entry: Mapping[str, Any], cursor: Any, *, if_absent: bool = False) -> bool:
    """Write one entry as ``entry_of`` makes it; with ``if_absent``, False when it is here."""
    verb = "INSERT OR IGNORE" if if_absent else "INSERT"
    cursor.execute(
        _INSERT.replace("INSERT", verb, 1),
        (
            entry["id"],
            entry["customer_id"],
            entry["kind"],
            entry["plan"],
            entry["plan_name"],
            entry["discount_bp"],
            json.dumps(list(entry["categories"]), ensure_ascii=False),
            entry["starts"],
            entry["ends"],
            entry["sale_id"],
            entry["cancels"],
            entry["till_no"],
            entry["actor"],
            entry["at"],
        ),
    )
    return cursor.rowcount > 0
