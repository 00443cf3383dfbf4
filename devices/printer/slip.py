"""The loyalty-balance slip: who, which card (as a barcode), the balance, what expires next."""

from __future__ import annotations

from dataclasses import dataclass

from devices.printer.receipt import Barcode, Block, ReceiptDocument, Rule, Text
from till.i18n import _, plural


@dataclass(frozen=True)
class BalanceSlip:
    store_name: str
    customer_name: str
    card_number: str
    balance: int
    value: str
    """What the balance is worth, formatted for paper."""
    next_expiry: str = ""
    next_expiry_points: int = 0
    printed_at: str = ""


def build_balance_slip(slip: BalanceSlip, width: int) -> ReceiptDocument:
    blocks: list[Block] = [
        Text(slip.store_name, "center", bold=True, large=True),
        Text(_("Loyalty points"), "center", bold=True),
        Rule(),
        Text(slip.customer_name[:width]),
        Text(
            plural(
                slip.balance,
                "Balance: {n} point ({value})",
                "Balance: {n} points ({value})",
                value=slip.value,
            ),
            bold=True,
        ),
    ]
    if slip.next_expiry_points:
        expiring = plural(
            slip.next_expiry_points,
            "{n} point expires on {date}",
            "{n} points expire on {date}",
            date=slip.next_expiry,
        )
        blocks.append(Text(expiring))
    if slip.printed_at:
        blocks.append(Text(_("Printed {moment}").format(moment=slip.printed_at)))
    if slip.card_number:
        blocks += [Rule(), Barcode(slip.card_number)]
    return ReceiptDocument(width, tuple(blocks))
