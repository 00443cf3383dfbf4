"""Customer accounts as the screens and the CLI use them, with this till's actor."""

from __future__ import annotations

from storage import accounts, offline_balance
from storage.accounts import AccountMovement
from till.config import Settings
from till.core.formats import formats_for
from till.core.money import MoneyFormat
from till.core.offline import Overdrawn, overdraft
from till.core.people import Permission, Session, session_of
from till.core.sale import SaleCustomer
from till.offline_limit import SpendLimit, SyncStanding


class AccountService:
    """One till's view of customer accounts."""

    def __init__(
        self, settings: Settings, actor: str | Session, money: MoneyFormat | None = None
    ) -> None:
        self.settings = settings
        self.session = session_of(actor)
        self.money = money or MoneyFormat(settings.locale.currency, settings.locale.locale)
        self.standing = SyncStanding(settings.sync, formats_for(settings.locale.locale))

    @property
    def actor(self) -> str:
        return self.session.label

    def balance(self, customer_id: str) -> int:
        """Positive: credit the customer can spend; negative: what they owe."""
        return accounts.balance(customer_id)

    def movements(self, customer_id: str, limit: int = 200) -> list[AccountMovement]:
        return accounts.movements(customer_id, limit)

    def deposit(self, customer_id: str, amount: int, method: str) -> int:
        """Money handed over for the account; returns the new balance."""
        self.session.authorise(Permission.SELL)
        return accounts.deposit(
            customer_id, amount, method, actor=self.actor, till_no=self.settings.till.number
        )

    def credit_limit(self, business: bool) -> int:
        """How much a customer may owe, in minor units: only business customers may."""
        limit = self.settings.accounts.credit_limit  # in whole units of the currency
        return limit * self.money.minor_per_unit if business else 0

    def available(self, customer: SaleCustomer) -> int:
        """What the account can pay for this customer now."""
        return self.spend_limit(customer).amount

    def spend_limit(self, customer: SaleCustomer) -> SpendLimit:
        """What the account can pay now: its balance plus the credit allowed; offline, the
        money held at the last sync less what this till took since (plus the credit), with
        the reason in words."""
        balance = self.balance(customer.id)
        credit = self.credit_limit(customer.business)
        full = max(balance + credit, 0)
        if not self.standing.offline():
            return SpendLimit(full)
        held = offline_balance.held_since_sync("account_entry", customer.id, balance)
        amount = max(min(balance, held) + credit, 0)
        if amount == full:
            return SpendLimit(amount)
        return SpendLimit(
            amount,
            f"{self.standing.since_words()}: the account can pay at most {self.money(amount)}"
            " until the till syncs.",
        )

    def overdrawn(self, customer_id: str, *, business: bool) -> Overdrawn | None:
        """Money spent beyond what the account held (and the credit allowed): two tills took
        the same money before they synced. None when there is no such overdraft."""
        entries = offline_balance.entries("account_entry", customer_id)
        return overdraft(entries, -self.credit_limit(business))
