"""Customer accounts as the screens and the CLI use them, with this till's actor."""

from __future__ import annotations

from storage import accounts
from storage.accounts import AccountMovement
from till.config import Settings
from till.core.money import MoneyFormat
from till.core.sale import SaleCustomer


class AccountService:
    """One till's view of customer accounts."""

    def __init__(self, settings: Settings, actor: str, money: MoneyFormat | None = None) -> None:
        self.settings = settings
        self.actor = actor
        self.money = money or MoneyFormat(settings.locale.currency, settings.locale.locale)

    def balance(self, customer_id: str) -> int:
        """Positive: credit the customer can spend; negative: what they owe."""
        return accounts.balance(customer_id)

    def movements(self, customer_id: str, limit: int = 200) -> list[AccountMovement]:
        return accounts.movements(customer_id, limit)

    def deposit(self, customer_id: str, amount: int, method: str) -> int:
        """Money handed over for the account; returns the new balance."""
        return accounts.deposit(customer_id, amount, method, actor=self.actor)

    def credit_limit(self, business: bool) -> int:
        """How much a customer may owe, in minor units: only business customers may."""
        limit = self.settings.accounts.credit_limit  # in whole units of the currency
        return limit * self.money.minor_per_unit if business else 0

    def available(self, customer: SaleCustomer) -> int:
        """What the account can pay for this customer now."""
        return max(self.balance(customer.id) + self.credit_limit(customer.business), 0)
