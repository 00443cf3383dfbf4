"""The customer operations the screens and the CLI call, with this till's actor and region."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage import (
    audit,
    customer_history,
    customer_merge,
    customer_privacy,
    customers,
    remote_sales,
    subscriptions,
    sync_state,
)
from storage.customer_privacy import Anonymised, ErasurePlan
from storage.customer_search import count_everyone, everyone, phone_prefix, search_customers
from storage.customers import DeleteOutcome
from till.config import Settings
from till.core.customer import (
    PRICE_FIELDS,
    Address,
    Customer,
    CustomerKind,
    FieldErrors,
    validate_changes,
)
from till.core.customer_lookup import (
    AuditEntry,
    CustomerFilter,
    CustomerStats,
    CustomerSummary,
    HistoryFilter,
    SaleSummary,
)
from till.core.duplicate_merge import MergePlan
from till.core.formats import formats_for
from till.core.history_scope import HistoryPlace, HistoryScope, OlderSales, is_offline
from till.core.people import Actor, Permission, Session, session_of, shop_seller
from till.core.pricing import customer_terms
from till.core.sale import SaleCustomer
from till.core.text import digits, fold, fold_email
from till.errors import TillError
from till.i18n import N_

if TYPE_CHECKING:
    from storage.customer_import import CustomerImportReport
    from till.core.duplicates import PossibleDuplicate

OLDER_PAGE = 50
"""Older sales fetched from the server at a time."""
OFFER_CANDIDATES = 20
"""Customers read per typed field when looking for one already on file."""


class CustomerService:
    """One till's view of the customer file."""

    def __init__(self, settings: Settings, actor: str | Session | None = None) -> None:
        self.till_no = settings.till.number
        self.region = settings.locale.locale.partition("_")[2] or "FR"
        self.session = session_of(
            actor or shop_seller(settings.till.seller, settings.till.number).label
        )
        """Who acts: the till's logged-in user, or the label a shell or a test gives."""
        self.formats = formats_for(settings.locale.locale)
        self.pricing = settings.pricing
        self.sync = settings.sync
        self.vat_from_siret = settings.customers.vat_from_siret

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
        """The customer on file a new customer may already be, or None; nothing is offered
        before one field holds 3 characters. First the duplicate finder's best probable match
        once a mobile or an e-mail is complete (``matches_for``: the same one under a similar
        name, typos and other spellings of the number included); else, while the fields are
        being typed, the customer each typed field is the start of (last and first name,
        mobile, e-mail)."""
        typed = {name: value.strip() for name, value in typed.items() if value.strip()}
        if not any(len(value) >= 3 for value in typed.values()):
            return None
        probable = self._probable_match(typed)
        if probable is not None:
            return probable
        name = f"{typed.get('last_name', '')} {typed.get('first_name', '')}".strip()
        for query in (name, typed.get("email", ""), typed.get("mobile", "")):
            if len(query) >= 3:
                for found in self.search(query, limit=OFFER_CANDIDATES):
                    if self._matches(found, typed):
                        return found
        return None

    def _probable_match(self, typed: dict[str, str]) -> CustomerSummary | None:
        from storage.customer_duplicates import matches_for, summaries
        from till.core.duplicates import Person

        contact: dict[str, Any] = {}
        for name in ("mobile", "email"):
            if name in typed:
                with suppress(FieldErrors):  # not complete yet
                    contact.update(validate_changes({name: typed[name]}, region=self.region))
        if not contact:
            return None  # quick add has no postcode, birth date or company: names alone
        person = Person(
            id="",
            last_name=typed.get("last_name", ""),
            first_name=typed.get("first_name", ""),
            email=fold_email(contact.get("email", "")),
            mobile=contact.get("mobile", ""),
        )
        best = matches_for(person, limit=1)
        return summaries([best[0].second_id]).get(best[0].second_id) if best else None

    def duplicates(self, min_score: int | None = None) -> list[PossibleDuplicate]:
        """Every pair of live customers who may be one person, scoring ``min_score`` or more
        (default ``PROBABLE``), best first, with both customers' lines and the reasons. Reads
        the whole file (seconds for a large one): call it from a worker, never the UI thread."""
        from storage.customer_duplicates import duplicate_pairs, summaries
        from till.core.duplicates import PROBABLE, PossibleDuplicate

        pairs = duplicate_pairs(PROBABLE if min_score is None else min_score)
        named = summaries(customer_id for m in pairs for customer_id in (m.first_id, m.second_id))
        return [
            PossibleDuplicate(named[m.first_id], named[m.second_id], m.score, m.reasons)
            for m in pairs
            if m.first_id in named and m.second_id in named
        ]

    def _matches(self, found: CustomerSummary, typed: dict[str, str]) -> bool:
        starts = {
            "last_name": fold(found.last_name).startswith(fold(typed.get("last_name", ""))),
            "first_name": fold(found.first_name).startswith(fold(typed.get("first_name", ""))),
            "email": fold_email(found.email).startswith(fold_email(typed.get("email", ""))),
            "mobile": "mobile" not in typed
            or digits(found.mobile).startswith(phone_prefix(typed["mobile"], self.region)),
        }
        return all(starts.values())

    @property
    def actor(self) -> str:
        """The audit log's name for whoever is acting now."""
        return self.session.label

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
        self.session.authorise(Permission.EDIT_CUSTOMERS)
        return customers.create_customer(
            changes,
            actor=self.actor,
            till_no=self.till_no,
            region=self.region,
            vat_from_siret=self.vat_from_siret,
        )

    def update(
        self, customer_id: str, changes: dict[str, Any], approver: Actor | None = None
    ) -> Customer:
        """Change a customer; a change to what they pay (``PRICE_FIELDS``) needs a user who
        may, or their ``approver``."""
        self.session.authorise(Permission.EDIT_CUSTOMERS, approver)
        actor = self.actor
        if PRICE_FIELDS & changes.keys():
            actor = self.session.described(Permission.EDIT_PRICE_FIELDS, approver)
        return customers.update_customer(
            customer_id,
            changes,
            actor=actor,
            region=self.region,
            vat_from_siret=self.vat_from_siret,
        )

    def set_active(self, customer_id: str, active: bool) -> Customer:
        self.session.authorise(Permission.EDIT_CUSTOMERS)
        return customers.set_active(customer_id, active, actor=self.actor)

    def delete(self, customer_id: str, approver: Actor | None = None) -> tuple[DeleteOutcome, str]:
        actor = self.session.described(Permission.DELETE, approver)
        return customers.delete_customer(customer_id, actor=actor)

    def plan_merge(self, keep_id: str, other_id: str) -> MergePlan:
        """What merging the duplicate ``other_id`` into ``keep_id`` would do (nothing is
        changed); a TillError when it cannot be done."""
        return customer_merge.plan_merge(keep_id, other_id)

    def merge(self, keep_id: str, other_id: str, approver: Actor | None = None) -> Customer:
        """Merge the duplicate ``other_id`` into ``keep_id``: the acting user may, or their
        ``approver`` (``PeopleService.approve``) does."""
        allowed_by = self.session.authorise(Permission.MERGE_CUSTOMERS, approver)
        return customer_merge.merge_customers(
            keep_id, other_id, actor=self.actor, approved_by=allowed_by.label
        )

    def import_file(
        self,
        path: Path,
        *,
        dry_run: bool = False,
        on_progress: Callable[[CustomerImportReport], None] = lambda report: None,
        approver: Actor | None = None,
    ) -> CustomerImportReport:
        """Import the customers of a CSV or XLSX file, a chunk per transaction (the till
        keeps selling meanwhile); ``on_progress`` hears the report after each chunk."""
        from storage.customer_import import ImportSettings, import_customer_file

        actor = self.session.described(Permission.IMPORT_CUSTOMERS, approver)
        settings = ImportSettings(
            actor=actor,
            till_no=self.till_no,
            region=self.region,
            dry_run=dry_run,
            vat_from_siret=self.vat_from_siret,
        )
        try:
            return import_customer_file(path, settings, on_progress=on_progress)
        except OSError as error:  # typed at the register: missing, a folder, not readable
            raise TillError(
                N_("cannot read {file}: {reason}."), file=path, reason=error.strerror or str(error)
            ) from None

    def save_address(self, customer_id: str, address: Address) -> Address:
        self.session.authorise(Permission.EDIT_CUSTOMERS)
        return customers.save_address(customer_id, address, actor=self.actor)

    def remove_address(self, customer_id: str, address_id: str) -> None:
        self.session.authorise(Permission.EDIT_CUSTOMERS)
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

    def personal_data(self, customer_id: str) -> dict[str, Any]:
        """Everything this till holds about the person (GDPR export), as JSON-ready data."""
        return customer_privacy.personal_data(customer_id)

    def erasure_plan(self, customer_id: str) -> ErasurePlan:
        """What ``anonymise`` would erase and keep (nothing is changed)."""
        return customer_privacy.erasure_plan(customer_id)

    def anonymise(self, customer_id: str, approver: Actor | None = None) -> Anonymised:
        """Erase the person's data here and, by sync, everywhere; sales and ledgers stay under
        the anonymous code. The acting user may, or their ``approver`` does."""
        allowed_by = self.session.authorise(Permission.ERASE_PERSONAL_DATA, approver)
        return customer_privacy.anonymise(
            customer_id, actor=self.actor, approved_by=allowed_by.label
        )

    def summary_for_sale(self, found: CustomerSummary) -> SaleCustomer:
        return self.for_sale(self.get(found.id))

    def for_sale(self, customer: Customer, today: date | None = None) -> SaleCustomer:
        """The customer as a sale needs them, with the prices they are entitled to today."""
        day = today or date.today()
        terms = customer_terms(
            customer,
            segment_discounts=self.pricing.segment_discounts,
            allow_below_cost=self.pricing.allow_below_cost,
            today=day,
        )
        held = subscriptions.standing(customer.id).benefits(day)
        if held:  # the cards valid today (docs/subscriptions.md)
            terms = replace(terms, subscriptions=held)
        return SaleCustomer(
            customer.id,
            customer.code,
            customer.display_name,
            customer.excluded_from_promotions,
            enrolled=bool(customer.card_number),
            business=customer.kind is CustomerKind.BUSINESS,
            terms=terms,
            language=customer.language,
            invoice_automatically=customer.invoice_automatically,
        )
