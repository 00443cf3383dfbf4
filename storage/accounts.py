"""Customer accounts: credit notes, deposits and on-account sales as an append-only ledger.

A positive amount is money the shop holds for the customer (a credit note from a return, a
deposit); a negative one is money the customer used or owes (a sale paid on account). The
balance is their sum, so entries written on two tills both count once they meet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from storage import audit, events, ledger
from storage.customer_pointer import survivor_id
from storage.models import database
from till.core.bounds import DEPOSIT as DEPOSIT_WORD
from till.core.bounds import check_amount
from till.core.reasons import deposit_reason
from till.core.words import N_
from till.errors import TillError

CREDIT_NOTE, DEPOSIT, SALE = "credit_note", "deposit", "sale"
KINDS = (CREDIT_NOTE, DEPOSIT, SALE)


@dataclass(frozen=True)
class AccountMovement:
    """One line of a customer's account, with the receipt of its sale if it has one."""

    at: str
    kind: str
    amount: int
    receipt_code: str
    reason: str
    actor: str


def add_entry(
    customer_id: str,
    kind: str,
    amount: int,
    *,
    actor: str,
    at: str,
    reason: str = "",
    sale_id: str | None = None,
    cursor: Any = None,
) -> str:
    """Append one movement and its outbox row. Call inside the transaction of its cause."""
    if kind not in KINDS:
        raise ValueError(f"unknown account movement {kind!r}")
    return ledger.append(
        "account_entry",
        "amount",
        customer_id,
        kind,
        amount,
        actor=actor,
        at=at,
        reason=reason,
        sale_id=sale_id,
        cursor=cursor,
    )


def balance(customer_id: str, cursor: Any = None) -> int:
    (total,) = (
        (cursor or database.cursor())
        .execute(
            "SELECT COALESCE(SUM(amount), 0) FROM account_entry WHERE customer_id = ?",
            (survivor_id(customer_id, cursor),),
        )
        .fetchone()
    )
    return total


def deposit(
    customer_id: str,
    amount: int,
    method: str,
    *,
    actor: str,
    till_no: int = 0,
    now: datetime | None = None,
) -> int:
    """Money handed over for the account (a deposit, or paying off what is owed), by ``method``
    (cash or card), at till ``till_no`` (its Z counts the cash; 0: not at a till). Audited.
    Returns the new balance."""
    if amount <= 0:
        raise TillError(N_("A deposit must be more than zero."))
    check_amount(amount, DEPOSIT_WORD)
    at = (now or datetime.now(UTC)).isoformat()
    with database.atomic():
        before = balance(customer_id)
        add_entry(customer_id, DEPOSIT, amount, actor=actor, at=at, reason=deposit_reason(method))
        audit.record(
            "customer",
            customer_id,
            "account",
            actor,
            at,
            [("account", str(before), f"{before + amount} (deposit by {method})")],
        )
        events.record_event(
            events.DEPOSIT,
            actor,
            {"customer_id": customer_id, "amount": amount, "method": method},
            at=at,
            till_no=till_no,
        )
    return before + amount


def movements(customer_id: str, limit: int = 200) -> list[AccountMovement]:
    """The account's movements, newest first."""
    rows = database.execute_sql(
        "SELECT e.created_at, e.kind, e.amount, COALESCE(s.receipt_code, ''), e.reason, e.actor"
        " FROM account_entry e LEFT JOIN sale s ON s.id = e.sale_id"
        " WHERE e.customer_id = ? ORDER BY e.created_at DESC, e.id DESC LIMIT ?",
        (survivor_id(customer_id), limit),
    )
    return [AccountMovement(*row) for row in rows]
