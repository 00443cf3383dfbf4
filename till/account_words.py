"""Customer accounts in words, as the screens and the CLI show them."""

from __future__ import annotations

from till.core.formats import formats_for
from till.core.money import MoneyFormat
from till.core.offline import Overdrawn

KIND_WORDS = {"credit_note": "Credit note", "deposit": "Deposit", "sale": "Sale on account"}


def kind_words(kind: str) -> str:
    """``sale`` → ``Sale on account``; a kind this till does not know yet is shown as it is."""
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def balance_words(balance: int, money: MoneyFormat, *, any_movement: bool = True) -> str:
    """``Credit 12,50 €``, ``Owes 30,00 €``, or ``No account movements``."""
    if balance > 0:
        return f"Credit {money(balance)}"
    if balance < 0:
        return f"Owes {money(-balance)}"
    return f"Balance {money(0)}" if any_movement else "No account movements"


def overdraft_words(overdrawn: Overdrawn, money: MoneyFormat) -> str:
    """``Overdrawn by 12,00 € after tills synced: …``: money taken on two tills before they
    synced beyond what the account held (and the credit allowed), with who took it when."""
    spends = "; ".join(
        f"{money(-entry.value)} by {entry.till}, {local_time(entry.at.isoformat(), money.locale)}"
        for entry in overdrawn.entries
    )
    return (
        f"Overdrawn by {money(overdrawn.by)} after tills synced: taken on two tills before"
        f" they synced{f' ({spends})' if spends else ''}."
    )


def local_time(at: str, locale: str) -> str:
    """A stored UTC timestamp as the shop's local date and time, as the locale writes it."""
    return formats_for(locale).date_time(at)
