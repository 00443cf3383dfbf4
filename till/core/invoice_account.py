"""What a customer's invoices still ask of their account: each invoice left to pay (the part
of its sale that went on account) against what the account owes now. Payments settle the
oldest invoice first, so what the account owes is set against the newest invoices
(docs/invoices.md, "The account"). Plain values, no storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Issued:
    """An invoice with an amount due, as kept: its number, dates and what went on account."""

    number: str
    issue_date: date
    due_date: date
    due: int


@dataclass(frozen=True)
class Unpaid:
    """An invoice not yet settled by the account's payments."""

    number: str
    issue_date: date
    due_date: date
    amount: int
    """What is still to pay of it, in minor units (at most what it put on account)."""
    overdue: bool
    """Past its due date and still unpaid."""


@dataclass(frozen=True)
class InvoicesDue:
    """A customer's unpaid invoices, oldest first, with the totals due and overdue."""

    unpaid: tuple[Unpaid, ...]

    @property
    def total(self) -> int:
        return sum(invoice.amount for invoice in self.unpaid)

    @property
    def overdue(self) -> int:
        return sum(invoice.amount for invoice in self.unpaid if invoice.overdue)


def invoices_due(issued: Sequence[Issued], balance: int, today: date) -> InvoicesDue:
    """The invoices still unpaid given the account's ``balance`` (negative: what it owes).

    Oldest first: every payment, deposit or credit the account received settled the oldest
    invoice left, so what the account owes now is the newest invoices' share. An invoice is
    never shown owing more than it put on account, and an account in credit owes nothing."""
    owed = max(-balance, 0)
    unpaid: list[Unpaid] = []
    for invoice in sorted(issued, key=lambda i: (i.issue_date, i.number), reverse=True):
        if owed <= 0:
            break
        amount = min(invoice.due, owed)
        if amount <= 0:
            continue
        owed -= amount
        unpaid.append(
            Unpaid(
                invoice.number,
                invoice.issue_date,
                invoice.due_date,
                amount,
                overdue=invoice.due_date < today,
            )
        )
    return InvoicesDue(tuple(reversed(unpaid)))
