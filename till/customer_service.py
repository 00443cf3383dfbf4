"""The customer operations the screens and the CLI call, with this till's actor and region."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from storage import audit, customer_history, customers, remote_sales, sync_state
from storage.customer_search import count_everyone, everyone, phone_prefix, search_customers
from storage.customers import DeleteOutcome
from till.config import Settings
from till.core.customer import Address, Customer, CustomerKind, FieldErrors, validate_changes
from till.core.customer_lookup import (
    AuditEntry,
    CustomerFilter,
    CustomerStats,
    CustomerSummary,
    HistoryFilter,
    SaleSummary,
)
from till.core.formats import for_print, formats_for
from till.core.history_scope import HistoryPlace, HistoryScope, OlderSales, is_offline
from till.core.pricing import customer_terms
from till.core.sale import SaleCustomer
from till.core.text import digits, fold, fold_email

OLDER_PAGE = 50
"""Older sales fetched from the server at a time."""
OFFER_CANDIDATES = 20
"""Customers read per typed field when looking for one already on file."""


class CustomerService:
    """One till's view of the customer file."""

    def __init__(self, settings: Settings, actor: str | None = None) -> None:
        self.till_no = settings.till.number
        self.region = settings.locale.locale.partition("_")[2] or "FR"
        self.actor = actor or f"till {settings.till.number} ({settings.till.seller})"
        self.formats = formats_for(settings.locale.locale)
        self.pricing = settings.pricing
        self.sync = settings.sync

    def search(
        self, query: str, filters: CustomerFilter = CustomerFilter(), limit: int = 50
    ) -> list[CustomerSummary]:
        return search_customers(query, filters, region=self.region, limit=limit)

    def everyone(
        self, filters: CustomerFilter = CustomerFilter(), offset: int = 0, limit: int = 50
    ) -> list[CustomerSummary]:
        """A page of every customer the filters allow, by name (an empty search)."""
        return everyone(filters, offset=offset, limit=limit)

    def count(self, filters: CustomerFilter = CustomerFilter()) -> int:
        """How many customers the filters allow."""
        return count_everyone(filters)

    def offer(self, typed: dict[str, str]) -> CustomerSummary | None:
        """The customer on file who matches everything typed so far for a new customer (each
        field as the start of theirs: last and first name, mobile, e-mail), or None; nothing
        is offered before one field holds 3 characters."""
        typed = {name: value.strip() for name, value in typed.items() if value.strip()}
        if not any(len(value) >= 3 for value in typed.values()):
            return None
        name = f"{typed.get('last_name', '')} {typed.get('first_name', '')}".strip()
        for query in (name, typed.get("email", ""), typed.get("mobile", "")):
            if len(query) >= 3:
                for found in self.search(query, limit=OFFER_CANDIDATES):
                    if self._matches(found, typed):
                        return found
        return None

    def _matches(self, found: CustomerSummary, typed: dict[str, str]) -> bool:
        starts = {
            "last_name": fold(found.last_name).startswith(fold(typed.get("last_name", ""))),
            "first_name": fold(found.first_name).startswith(fold(typed.get("first_name", ""))),
            "email": fold_email(found.email).startswith(fold_email(typed.get("email", ""))),
            "mobile": "mobile" not in typed
            or digits(found.mobile).startswith(phone_prefix(typed["mobile"], self.region)),
        }
        return all(starts.values())

    def get(self, customer_id: str) -> Customer:
        return customers.get_customer(customer_id)

    def by_code(self, code: str) -> Customer | None:
        return customers.find_by_code(code)

    def by_card(self, card_number: str) -> Customer | None:
        return customers.find_by_card(card_number)

    def on_file(self, changes: dict[str, Any]) -> Customer | None:
        """A customer already on file with the e-mail or mobile of ``changes``; None when
        there is none, or when they are not valid (``create`` says why)."""
        contact = {name: changes[name] for name in ("email", "mobile") if changes.get(name)}
        try:
            clean = validate_changes(contact, region=self.region)
        except FieldErrors:
            return None
        return customers.find_by_contact(clean.get("email", ""), clean.get("mobile", ""))

    def create(self, changes: dict[str, Any]) -> Customer:
        return customers.create_customer(
            changes, actor=self.actor, till_no=self.till_no, region=self.region
        )

    def update(self, customer_id: str, changes: dict[str, Any]) -> Customer:
        return customers.update_customer(customer_id, changes, actor=self.actor, region=self.region)

    def set_active(self, customer_id: str, active: bool) -> Customer:
        return customers.set_active(customer_id, active, actor=self.actor)

    def delete(self, customer_id: str) -> tuple[DeleteOutcome, str]:
        return customers.delete_customer(customer_id, actor=self.actor)

    def save_address(self, customer_id: str, address: Address) -> Address:
        return customers.save_address(customer_id, address, actor=self.actor)

    def remove_address(self, customer_id: str, address_id: str) -> None:
        customers.remove_address(customer_id, address_id, actor=self.actor)

    def list_values(self, list_name: str) -> list[str]:
        return customers.list_values(list_name)

    def history(
        self, customer_id: str, filters: HistoryFilter = HistoryFilter()
    ) -> list[SaleSummary]:
        return customer_history.customer_sales(customer_id, filters)

    def stats(self, customer_id: str) -> CustomerStats:
        return customer_history.customer_stats(customer_id)

    def history_scope(self) -> HistoryScope:
        """What this till's history of a customer covers (its sync standing)."""
        synced = sync_state.synced_at()
        offline = is_offline(synced, time.time(), self.sync.offline_after)
        return HistoryScope(self.sync.enabled, synced, offline)

    def older_history(
        self, customer_id: str, place: HistoryPlace | None = None, limit: int = OLDER_PAGE
    ) -> OlderSales:
        """The customer's sales older than those this till keeps of other tills, from every
        till, as the server has them; from ``place`` on for the next page. A network call (a
        ``SyncError`` when the server cannot be reached or refuses): run it off the UI."""
        from sync.client import SyncClient  # httpx: loaded only by a till that asks
        from sync.history import HistoryRequest

        start = place or HistoryPlace(remote_sales.kept_since())
        wanted = HistoryRequest(customer_id, start.before, start.before_id, limit)
        # Reading needs no till name (only a push carries one).
        with SyncClient(
            self.sync.url, self.sync.token, "", ca_bundle=self.sync.ca_bundle or None, attempts=2
        ) as client:
            page = client.customer_history(wanted)
        mine = customer_history.held_here([sale.id for sale in page.sales])
        sales = tuple(
            SaleSummary(
                sale.receipt_code,
                sale.created_at,
                sale.store,
                sale.till_no,
                sale.seller,
                sale.total,
                sale.item_count,
                sale.methods,
                sale.id in mine,
                sale.id,
            )
            for sale in page.sales
        )
        last = page.sales[-1] if page.sales else None
        return OlderSales(
            sales, HistoryPlace(last.created_at, last.id) if page.more and last else None
        )

    def audit(self, customer_id: str) -> list[AuditEntry]:
        return audit.history("customer", customer_id)

    def summary_for_sale(self, found: CustomerSummary) -> SaleCustomer:
        return self.for_sale(self.get(found.id))

    def for_sale(self, customer: Customer, today: date | None = None) -> SaleCustomer:
        """The customer as a sale needs them, with the prices they are entitled to today."""
        terms = customer_terms(
            customer,
            segment_discounts=self.pricing.segment_discounts,
            allow_below_cost=self.pricing.allow_below_cost,
            today=today or date.today(),
            percent=lambda bp: for_print(self.formats.rate(bp)),  # kept on paper: no nbsp
        )
        return SaleCustomer(
            customer.id,
            customer.code,
            customer.display_name,
            customer.excluded_from_promotions,
            enrolled=bool(customer.card_number),
            business=customer.kind is CustomerKind.BUSINESS,
            terms=terms,
        )
