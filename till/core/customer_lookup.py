"""Plain records the customer screens and the CLI read: search results, filters, history,
figures and audit entries. Storage fills them; nothing here touches a database."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerSummary:
    """One line of search results."""

    id: str
    code: str
    kind: str
    last_name: str
    first_name: str
    company: str
    city: str
    mobile: str
    email: str
    card_number: str
    active: bool
    segment: str

    @property
    def name(self) -> str:
        """The person (the results show the company in a column of its own)."""
        from till.core.customer import person_name

        return person_name(self.last_name, self.first_name)

    @property
    def display_name(self) -> str:
        from till.core.customer import display_name

        return display_name(self.kind, self.last_name, self.first_name, self.company)


@dataclass(frozen=True)
class CustomerFilter:
    """Which customers a search may return."""

    status: str = "active"
    """``active``, ``inactive`` or ``all``."""
    kind: str = ""
    """``individual``, ``business``, or empty for both."""
    segment: str = ""


@dataclass(frozen=True)
class SaleSummary:
    """One sale in a customer's history."""

    receipt_code: str
    created_at: str
    store: str
    till_no: int
    seller: str
    total: int
    item_count: int
    methods: str
    on_this_till: bool = True
    """False: made on another till (its receipt is not on this one)."""
    sale_id: str = ""


@dataclass(frozen=True)
class CustomerStats:
    sale_count: int = 0
    total_spent: int = 0
    average_basket: int = 0
    first_purchase: str = ""
    last_purchase: str = ""
    days_between_visits: float | None = None
    favourite_products: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class HistoryFilter:
    """Narrow the history: receipt number, store, seller, and dates (YYYY-MM-DD, inclusive)."""

    receipt: str = ""
    store: str = ""
    seller: str = ""
    date_from: str = ""
    date_to: str = ""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    field: str
    old_value: str
    new_value: str
