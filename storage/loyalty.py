"""Loyalty cards and the points ledger. Every movement is a row; the balance is their sum."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage import audit, ledger
from storage.customer_pointer import survivor_id
from storage.customers import get_customer, set_card_number
from storage.models import LoyaltyCard, database
from till.core.barcodes import gtin_check_digit
from till.core.bounds import check_points_adjustment
from till.core.customer import display_name
from till.core.loyalty import LedgerEntry, LoyaltyProgram, open_batches, points_expiring
from till.core.text import clean_line
from till.core.words import N_
from till.errors import TillError

ACTIVE, BLOCKED = "active", "blocked"


class BlockedCard(TillError):
    """A card that was replaced: the customer has a newer one. ``day``: when, as the screen
    writes it (the ISO date without one)."""

    def __init__(self, number: str, blocked_at: str, day: str = "") -> None:
        self.number, self.blocked_at = number, blocked_at
        super().__init__(
            N_(
                "Card {number} was replaced on {day}: ask for the new card, or find the "
                "customer by name."
            ),
            number=number,
            day=day or blocked_at[:10],
        )


@dataclass(frozen=True)
class Movement:
    """One line of a customer's points history."""

    at: str
    kind: str
    points: int
    receipt_code: str
    reason: str
    actor: str


@dataclass(frozen=True)
class LoyaltySummary:
    balance: int
    next_expiry: str
    next_expiry_points: int


def issue_card(
    customer_id: str, *, actor: str, till_no: int, prefix: str = "29", now: datetime | None = None
) -> str:
    """Give the customer a new card number (EAN-13); a card they had is blocked."""
    at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():
        customer = get_customer(customer_id)
        number = _unused_card_number(prefix, till_no)
        if customer.card_number:
            LoyaltyCard.update(status=BLOCKED, blocked_at=at).where(
                LoyaltyCard.number == customer.card_number
            ).execute()
        LoyaltyCard.insert(
            number=number, customer=customer_id, status=ACTIVE, issued_at=at, blocked_at=""
        ).execute()
        set_card_number(customer_id, number, actor=actor, at=at)
    return number


def _unused_card_number(prefix: str, till_no: int) -> str:
    """An EAN-13 card number: the shop's prefix, the till, eight random digits, a check digit.
    Random, so that nobody can guess a neighbour's card from their own."""
    for _ in range(100):
        body = f"{prefix}{till_no:02d}{secrets.randbelow(10**8):08d}"
        number = body + gtin_check_digit(body)
        if LoyaltyCard.get_or_none(LoyaltyCard.number == number) is None:
            return number
    raise TillError(N_("No free card number could be found; widen the card prefix."))


def check_card(number: str) -> None:
    """Raise BlockedCard for a card that was replaced."""
    card = LoyaltyCard.get_or_none(LoyaltyCard.number == number.strip())
    if card is not None and card.status == BLOCKED:
        raise BlockedCard(card.number, card.blocked_at)


def add_movement(
    customer_id: str,
    kind: str,
    points: int,
    *,
    actor: str,
    at: str,
    reason: str = "",
    sale_id: str | None = None,
    cursor: Any = None,
) -> str:
    """Append one movement. Call inside the transaction of its cause (a sale, an adjustment)."""
    return ledger.append(
        "loyalty_entry",
        "points",
        customer_id,
        kind,
        points,
        actor=actor,
        at=at,
        reason=reason,
        sale_id=sale_id,
        cursor=cursor,
    )


def adjust_points(
    customer_id: str, points: int, reason: str, *, actor: str, now: datetime | None = None
) -> int:
    """A manual adjustment; ``actor`` names who approved it. Audited. Returns the new balance."""
    check_points_adjustment(points)
    try:
        reason = clean_line(reason)
    except ValueError as error:
        raise TillError(N_("The reason {problem}"), problem=str(error)) from None
    if not reason:
        raise TillError(N_("Say why the points are adjusted."))
    at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():
        before = balance(customer_id)
        check_points_adjustment(points, before)
        add_movement(customer_id, "adjust", points, actor=actor, at=at, reason=reason)
        audit.record(
            "customer",
            customer_id,
            "points",
            actor,
            at,
            [("points", str(before), f"{before + points} ({reason.strip()})")],
        )
    return before + points


def expire_due(customer_id: str, program: LoyaltyProgram, now: datetime | None = None) -> int:
    """Write the expiry of the points due by ``now``; returns how many expired."""
    moment = now or datetime.now(UTC)
    with database.atomic():
        due = points_expiring(_ledger(customer_id), program, moment)
        if due:
            add_movement(
                customer_id,
                "expire",
                -due,
                actor="loyalty",
                at=moment.isoformat(),
                reason=program.expiry_rule,
            )
    return due


def balance(customer_id: str) -> int:
    cursor = database.execute_sql(
        "SELECT TOTAL(points) FROM loyalty_entry WHERE customer_id = ?",
        (survivor_id(customer_id),),
    )
    return int(cursor.fetchone()[0])  # TOTAL: never "integer overflow" on an old ledger


def effective_balance(
    customer_id: str, program: LoyaltyProgram, now: datetime | None = None
) -> int:
    """The balance without the points that have expired, whether or not their expiry has been
    written yet. Reading it writes nothing, so two tills never expire the same points twice."""
    ledger = _ledger(customer_id)
    expired = points_expiring(ledger, program, now or datetime.now(UTC))
    return sum(entry.points for entry in ledger) - expired


def summary(
    customer_id: str, program: LoyaltyProgram, now: datetime | None = None
) -> LoyaltySummary:
    now = now or datetime.now(UTC)
    batches = open_batches(_ledger(customer_id), program) if program.expires else []
    batches = [(expires, points) for expires, points in batches if expires > now]
    first = batches[0] if batches else None
    return LoyaltySummary(
        effective_balance(customer_id, program, now),
        first[0].date().isoformat() if first else "",
        sum(points for expires, points in batches if first and expires.date() == first[0].date()),
    )


def history(customer_id: str, limit: int = 200) -> list[Movement]:
    """Every movement of the customer's points, newest first, with its sale's receipt."""
    rows = database.execute_sql(
        "SELECT e.created_at, e.kind, e.points, COALESCE(s.receipt_code, ''), e.reason, e.actor"
        " FROM loyalty_entry e LEFT JOIN sale s ON s.id = e.sale_id"
        " WHERE e.customer_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT ?",
        (survivor_id(customer_id), limit),
    )
    return [Movement(*row) for row in rows]


@dataclass(frozen=True)
class Overdraft:
    customer_id: str
    code: str
    name: str
    balance: int


def overdrafts(limit: int = 500) -> list[Overdraft]:
    """Customers whose points went below zero (spent on two tills offline, or taken back by a
    return after they were spent), most overdrawn first: for a manager to settle."""
    rows = database.execute_sql(
        "SELECT e.customer_id, c.code, c.kind, c.last_name, c.first_name, c.company,"
        " TOTAL(e.points) AS balance"  # SUM fails forever once a ledger passes 2**63
        " FROM loyalty_entry e JOIN customer c ON c.id = e.customer_id"
        " GROUP BY e.customer_id HAVING balance < 0 ORDER BY balance LIMIT ?",
        (limit,),
    )
    return [
        Overdraft(cid, code, display_name(kind, last, first, company), int(balance))
        for cid, code, kind, last, first, company, balance in rows
    ]


def _ledger(customer_id: str) -> list[LedgerEntry]:
    rows = database.execute_sql(
        "SELECT points, created_at FROM loyalty_entry WHERE customer_id = ?",
        (survivor_id(customer_id),),
    )
    return [LedgerEntry(points, datetime.fromisoformat(at)) for points, at in rows]
