"""Invoices as the CLI (and later the screens) ask for them, with the acting user checked:
issuing an invoice is part of selling (``Permission.SELL``); a credit note gives money or
credit back on paper, so it takes what a refund takes (``Permission.REFUND``: a manager, or
a manager's approval); looking at one issued, ``LOOK_UP``. docs/invoices.md."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from storage import customers, invoices, sales
from storage.invoices import StoredInvoice
from till.config import Settings
from till.core.closures import local_day
from till.core.formats import formats_for
from till.core.invoice import (
    Credited,
    Invoice,
    InvoiceRefused,
    Mentions,
    Party,
    build_invoice,
    buyer_party,
    check_seller,
    parse_terms,
)
from till.core.invoice_account import InvoicesDue, invoices_due
from till.core.invoice_account import Issued as DueInvoice
from till.core.money import MoneyFormat
from till.core.people import Actor, Permission, Session, session_of
from till.core.returns import parse_receipt_number
from till.core.sale import RecordedSale
from till.core.words import N_

if TYPE_CHECKING:
    from devices.invoice_pdf import InvoiceView


@dataclass(frozen=True)
class Issued:
    """An invoice asked for: the one kept, and whether this call issued it (False: the sale
    had it already, the same number is given again)."""

    stored: StoredInvoice
    created: bool

    @property
    def invoice(self) -> Invoice:
        return self.stored.invoice


@dataclass(frozen=True)
class Standing:
    """A sale's invoice as its receipt screen tells it."""

    number: str
    """The invoice (or credit note) it has; empty: none yet."""
    needs: Permission
    automatic: bool
    """No invoice yet, and the customer is one the till invoices automatically."""


class InvoiceService:
    """One till's invoices: issued, found again, written as text and as Factur-X PDF."""

    def __init__(
        self, settings: Settings, actor: str | Session, money: MoneyFormat | None = None
    ) -> None:
        self.settings = settings
        self.session = session_of(actor)
        self.money = money or MoneyFormat(settings.locale.currency, settings.locale.locale)
        self.formats = formats_for(settings.locale.locale)

    @property
    def home_country(self) -> str:
        """The shop's country, from its locale (``fr_FR`` → ``FR``)."""
        return self.settings.locale.locale.partition("_")[2][:2].upper() or "FR"

    def seller(self) -> Party:
        """The shop as its invoices name it, from the configuration."""
        store = self.settings.store
        return Party(
            name=store.name,
            lines=store.address,
            country=self.home_country,
            registration="".join(store.siret.split()),
            vat_number="".join(store.vat_number.split()),
            legal=self.settings.invoice.legal_mentions,
        )

    def mentions(self) -> Mentions:
        invoice = self.settings.invoice
        return Mentions(
            penalty_rate=invoice.penalty_rate,
            recovery_indemnity=invoice.recovery_indemnity,
            early_payment=invoice.early_payment,
            operation=invoice.operation,
        )

    def sale(self, receipt: str) -> RecordedSale:
        """The sale of a receipt number as printed (``01-000042``) or typed short (``1-42``)."""
        return sales.get_sale(parse_receipt_number(receipt))

    def needs(self, sale: RecordedSale) -> Permission:
        """What asking for the sale's invoice takes: looking it up when it has one already,
        else selling (an invoice) or refunding (a credit note)."""
        if invoices.for_sale(sale.id) is not None:
            return Permission.LOOK_UP
        return Permission.REFUND if sale.refund_of_id else Permission.SELL

    def standing(self, sale: RecordedSale) -> Standing:
        """The sale's invoice as the receipt screen shows it: the number it has, if any,
        what asking for one takes, and whether its customer is invoiced automatically.
        Reads the database: call it off the event loop."""
        kept = invoices.for_sale(sale.id)
        if kept is not None:
            return Standing(kept.invoice.number, Permission.LOOK_UP, automatic=False)
        automatic = (
            sale.customer is not None
            and customers.get_customer(sale.customer.id).invoice_automatically
            and (not sale.refund_of_id or invoices.for_sale(sale.refund_of_id) is not None)
        )
        return Standing("", self.needs(sale), automatic)

    def automatic(self, sale: RecordedSale, approver: Actor | None = None) -> Issued | None:
        """The invoice the till issues by itself once ``sale`` is durable: for a customer
        invoiced automatically, an invoice; for a refund of a sale that has one, the credit
        note (the refund's approver allows it). None when the sale needs none."""
        if sale.customer is None or invoices.for_sale(sale.id) is not None:
            return None
        if not customers.get_customer(sale.customer.id).invoice_automatically:
            return None
        if sale.refund_of_id and invoices.for_sale(sale.refund_of_id) is None:
            return None  # the sale refunded was never invoiced: no credit note
        return self.issue(sale.receipt_code, approver, automatic=True)

    def due(self, customer_id: str, balance: int, today: date) -> InvoicesDue:
        """The customer's invoices still unpaid given their account's balance."""
        self.session.authorise(Permission.LOOK_UP)
        issued = [
            DueInvoice(
                kept.number,
                date.fromisoformat(kept.issue_date),
                date.fromisoformat(kept.due_date),
                kept.due,
            )
            for kept in invoices.left_to_pay(customer_id)
        ]
        return invoices_due(issued, balance, today)

    def issue(
        self,
        receipt: str,
        approver: Actor | None = None,
        *,
        terms: str | None = None,
        now: datetime | None = None,
        automatic: bool = False,
    ) -> Issued:
        """The invoice of the sale (a credit note for a refund of an invoiced sale): the one
        it has, or a new one numbered in the till's series. Everything the law requires is
        checked before a number is taken. Its terms: ``terms`` (typed), else the customer's,
        else ``[invoice] payment_terms``."""
        sale = self.sale(receipt)
        authorised = self.session.authorise(self.needs(sale), approver)
        existing = invoices.for_sale(sale.id)
        if existing is not None:
            return Issued(existing, created=False)
        moment = now or datetime.now(UTC)
        customer = customers.get_customer(sale.customer.id) if sale.customer else None
        chosen = (
            terms or (customer and customer.payment_terms) or self.settings.invoice.payment_terms
        )
        try:
            parse_terms(chosen)
        except ValueError:
            raise InvoiceRefused(
                N_(
                    "Payment terms {terms!r}: write receipt, eom (end of month), netN (N days, "
                    "at most 60) or netNeom (N days end of month, at most 45)."
                ),
                terms=chosen[:40],
            ) from None
        seller = self.seller()
        check_seller(seller)
        credited, credits_id = self._credited(sale)
        if customer is None:
            raise InvoiceRefused(
                N_(
                    "Receipt {receipt} has no customer: an invoice is made out to the customer "
                    "attached to the sale."
                ),
                receipt=sale.receipt_code,
            )
        draft = build_invoice(
            sale,
            seller=seller,
            buyer=buyer_party(customer, self.home_country),
            issue_date=local_day(moment.isoformat()),
            sale_date=local_day(sale.created_at),
            terms=chosen,
            mentions=self.mentions(),
            tax_free_mention=self.settings.pricing.export_mention,
            credited=credited,
        )
        actor = self.session.label
        if authorised != self.session.user:
            actor = f"{actor}, approved by {authorised.name}"
        stored, created = invoices.issue_invoice(
            draft,
            till_no=self.settings.till.number,
            customer_id=customer.id,
            actor=actor,
            credits_id=credits_id,
            now=moment,
            automatic=automatic,
        )
        return Issued(stored, created)

    def _credited(self, sale: RecordedSale) -> tuple[Credited | None, str | None]:
        """For a refund: the invoice of the sale it refunds (None when it has none)."""
        if not sale.refund_of_id:
            return None, None
        original = invoices.for_sale(sale.refund_of_id)
        if original is None:
            return None, None  # build_invoice says why no credit note
        return Credited(original.invoice.number, original.invoice.issue_date), original.id

    def get(self, number: str) -> StoredInvoice:
        """An invoice issued, by its number (``F01-000042``)."""
        self.session.authorise(Permission.LOOK_UP)
        return invoices.get_invoice(number)

    def text(self, invoice: Invoice) -> str:
        from devices.invoice_pdf import render_text

        return render_text(self._view(invoice))

    def pdf(self, invoice: Invoice) -> bytes:
        """The invoice as a PDF with its Factur-X XML (EN 16931) embedded."""
        from devices.invoice_pdf import invoice_pdf, payment_mentions
        from devices.invoice_xml import invoice_xml

        notes = payment_mentions(invoice, self.money)
        xml = invoice_xml(invoice, self.money.precision, notes)
        view = self._view(invoice)
        return invoice_pdf(view, xml, title=view.heading[0], language=self.settings.locale.language)

    def write_pdf(self, invoice: Invoice, path: Path) -> None:
        """The invoice's PDF at ``path``: the whole file or none under its name."""
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        try:
            partial.write_bytes(self.pdf(invoice))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)

    def _view(self, invoice: Invoice) -> InvoiceView:
        from devices.invoice_pdf import invoice_view

        return invoice_view(invoice, self.money, self.formats)
