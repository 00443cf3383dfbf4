"""Customer accounts in words, in the till's language, as the screens and the CLI show them."""

from __future__ import annotations

from till.core.formats import formats_for
from till.core.money import MoneyFormat
from till.core.offline import Overdrawn
from till.i18n import N_, _

KIND_WORDS = {
    "credit_note": N_("Credit note"),
    "deposit": N_("Deposit"),
    "sale": N_("Sale on account"),
}


def kind_words(kind: str) -> str:
    """``sale`` → ``Sale on account``; a kind this till does not know yet is shown as it is."""
    known = KIND_WORDS.get(kind)
    return _(known) if known else kind.replace("_", " ").capitalize()


def balance_words(balance: int, money: MoneyFormat, *, any_movement: bool = True) -> str:
    """``Credit 12,50 €``, ``Owes 30,00 €``, or ``No account movements``."""
    if balance > 0:
        return _("Credit {amount}").format(amount=money(balance))
    if balance < 0:
        return _("Owes {amount}").format(amount=money(-balance))
    if any_movement:
        return _("Balance {amount}").format(amount=money(0))
    return _("No account movements")


def overdraft_words(overdrawn: Overdrawn, money: MoneyFormat) -> str:
    """``Overdrawn by 12,00 € after tills synced: …``: money taken on two tills before they
    synced beyond what the account held (and the credit allowed), with who took it when."""
    spends = "; ".join(
        _("{amount} by {till}, {at}").format(
            amount=money(-entry.value),
            till=entry.till,
            at=local_time(entry.at.isoformat(), money.locale),
        )
        for entry in overdrawn.entries
    )
    if spends:
        said = _(
            "Overdrawn by {amount} after tills synced: taken on two tills before they synced"
            " ({spends})."
        )
    else:
        said = _("Overdrawn by {amount} after tills synced: taken on two tills before they synced.")
    return said.format(amount=money(overdrawn.by), spends=spends)


def local_time(at: str, locale: str) -> str:
    """A stored UTC timestamp as the shop's local date and time, as the locale writes it."""
    return formats_for(locale).date_time(at)
