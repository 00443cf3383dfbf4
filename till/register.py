"""The services the screens call: catalog lookup, recording sales, receipts. No UI, no SQL here."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from storage import catalog, events, open_sale, parked, sales
from storage.errors import DatabaseBusy, ReadOnlyDatabase, storage_errors
from storage.models import database
from till import logs
from till.config import Settings
from till.core.barcodes import parse_scan_entry
from till.core.formats import formats_for
from till.core.money import MoneyFormat
from till.core.people import Actor, Permission, Session, shop_seller
from till.core.sale import (
    Cart,
    CartLine,
    Item,
    Parked,
    PaymentMethod,
    ReceiptHeader,
    RecordedSale,
    SaleCustomer,
)
from till.errors import Reason, StorageError, TillError, reason_of
from till.i18n import N_, use_language
from till.sale_keeper import OpenSaleKeeper

T = TypeVar("T")
log = logging.getLogger(__name__)

BUSY_WAIT = 0.25
BUSY_GIVE_UP_AFTER = 60.0
BUSY_PAUSE = 0.01
"""Between two attempts, for the rare busy answer that SQLite gives without waiting."""
INVOICE_FOLDER = "invoices"
"""Where the register writes the PDFs of the invoices it issues, beside the database."""
KEPT_OUTCOMES = 50
"""The automatic invoices' outcomes kept for the receipt screen (the last sales')."""

if TYPE_CHECKING:
    from devices.printer.service import ReceiptPrinter
    from till.account_service import AccountService
    from till.campaign_service import CampaignService
    from till.closure_service import ClosureService
    from till.core.invoice import Invoice
    from till.core.returns import Returnable
    from till.customer_service import CustomerService
    from till.invoice_service import InvoiceService, Issued
    from till.loyalty_service import LoyaltyService
    from till.people_service import PeopleService
    from till.printing import PrintQueue
    from till.subscription_service import SubscriptionService


@dataclass(frozen=True)
class AutomaticInvoice:
    """What became of a sale's automatic invoice: its number and PDF, or why none."""

    receipt: str
    number: str = ""
    path: Path | None = None
    refusal: Reason | None = None
    """Why no invoice was issued (the sale is kept all the same)."""
    pdf_error: Reason | None = None
    """The invoice is issued but its PDF was not written."""


class Register:
    """One till's services, bound to an open database and the configured printer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        use_language(settings.locale.language)  # once, before any screen or receipt is built
        self.money = MoneyFormat(settings.locale.currency, settings.locale.locale)
        self.formats = formats_for(settings.locale.locale)
        """Dates, times, percentages and counts as the configured locale writes them."""
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-writer")
        """Sales are written by one long-lived thread with one connection, in order."""
        self._writer_thread: int | None = None
        self.closed = False
        """True once :meth:`close` has begun: work still running then (printing) stops quietly."""
        self._busy = False
        """True while the writer waits for another program's write lock."""
        self._waiting: dict[object, Callable[[], object]] = {}
        """Who to tell when the database turns busy: callers whose write has not finished."""
        self._busy_state = threading.Lock()
        self.busy_wait = BUSY_WAIT
        """Seconds one attempt waits for another program's write lock before saying busy."""
        self.busy_give_up_after = BUSY_GIVE_UP_AFTER
        """Seconds of a busy database after which a write fails (nothing saved)."""
        self.session = Session(shop_seller(settings.till.seller, settings.till.number))
        """Who is logged in: every service acts for them (the configured seller, as a
        cashier, on a till without users)."""
        self.automatic_invoices: dict[str, AutomaticInvoice] = {}
        """What became of the automatic invoices of the last sales, by sale id: the
        receipt screen tells it."""
        self._outcomes_lock = threading.Lock()
        self._refund_approvers: dict[str, Actor] = {}
        """Who approved a refund, until its credit note is issued."""

    @cached_property
    def printer(self) -> ReceiptPrinter:
        """The configured receipt printer, built on first use: its modules are left out of
        the start-up (the queue left by a restart is printed once the first frame is up)."""
        from devices.printer.receipt import ReceiptLayout
        from devices.printer.service import ReceiptPrinter
        from devices.printer.transport import open_transport

        settings = self.settings
        layout = ReceiptLayout(
            store_name=settings.store.name,
            address=settings.store.address,
            vat_number=settings.store.vat_number,
            footer=settings.receipt.footer,
            qr=settings.receipt.qr,
            export_mention=settings.pricing.export_mention,
            width=settings.printer.width,
            money=self.money,
        )
        transport = open_transport(settings.printer.url, settings.printer.timeout)
        return ReceiptPrinter(transport, layout, settings.printer.profile)

    @cached_property
    def printing(self) -> PrintQueue:
        """The print queue: receipts are printed from it, in order, after their sale."""
        from till.printing import PrintQueue

        return PrintQueue(self.printer, self.in_writer, self.settings.keymap)

    @cached_property
    def invoices(self) -> InvoiceService:
        """Invoices and credit notes for business customers."""
        from till.invoice_service import InvoiceService

        return InvoiceService(self.settings, self.session, self.money)

    def write_invoice(self, receipt: str, approver: Actor | None = None) -> tuple[Issued, Path]:
        """Issue (or find again) the invoice of a sale and write its PDF in the ``invoices``
        folder beside the database: the invoice and where its PDF is."""
        issued = self.invoices.issue(receipt, approver)
        return issued, self._write_invoice_pdf(issued.invoice)

    def invoice_automatically(self, sale: RecordedSale) -> AutomaticInvoice | None:
        """After ``sale`` is durable: its invoice (or a refund's credit note) when its
        customer is invoiced automatically, with its PDF; None when it needs none. Never
        raises: an invoice that cannot be issued is told (``refusal``), the sale stays as it
        is, and F8 on its receipt issues it later. Call from a worker."""
        approver = self._refund_approvers.pop(sale.id, None)
        try:
            issued = self.in_writer(self.invoices.automatic, sale, approver)
        except TillError as error:
            outcome = AutomaticInvoice(sale.receipt_code, refusal=reason_of(error))
        except Exception as error:  # a bug: the sale is kept all the same
            log.exception("the automatic invoice of %s failed", sale.receipt_code)
            outcome = AutomaticInvoice(
                sale.receipt_code,
                refusal=Reason(N_("an unexpected error ({error})"), error=type(error).__name__),
            )
        else:
            if issued is None:
                return None
            number = issued.invoice.number
            try:
                path = self._write_invoice_pdf(issued.invoice)  # no database: not behind sales
            except Exception as error:  # the invoice is issued; F8 writes its PDF again
                log.warning("the PDF of %s was not written: %s", number, error)
                outcome = AutomaticInvoice(sale.receipt_code, number, pdf_error=reason_of(error))
            else:
                outcome = AutomaticInvoice(sale.receipt_code, number, path=path)
        with self._outcomes_lock:  # two sales' workers may finish together
            self.automatic_invoices[sale.id] = outcome
            while len(self.automatic_invoices) > KEPT_OUTCOMES:
                del self.automatic_invoices[next(iter(self.automatic_invoices))]
        return outcome

    def _write_invoice_pdf(self, invoice: Invoice) -> Path:
        folder = Path(self.settings.database.path).parent / INVOICE_FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{invoice.number}.pdf"
        self.invoices.write_pdf(invoice, path)
        return path

    @cached_property
    def closures(self) -> ClosureService:
        """Z, month and year closures and the X report."""
        from till.closure_service import ClosureService

        return ClosureService(self.settings, self.printer)

    @cached_property
    def people(self) -> PeopleService:
        """Users, logins and approvals."""
        from till.people_service import PeopleService

        return PeopleService(self.settings, self.session, self.in_writer)

    @cached_property
    def loyalty(self) -> LoyaltyService:
        """The loyalty program; loaded on first use."""
        from till.loyalty_service import LoyaltyService

        return LoyaltyService(self.settings, self.money, self.session)

    @cached_property
    def accounts(self) -> AccountService:
        """Customer accounts: credit notes, deposits, on-account sales."""
        from till.account_service import AccountService

        return AccountService(self.settings, self.session, self.money)

    @cached_property
    def subscriptions(self) -> SubscriptionService:
        """Subscription plans and cards (docs/subscriptions.md)."""
        from till.subscription_service import SubscriptionService

        return SubscriptionService(self.settings, self.session)

    @cached_property
    def customers(self) -> CustomerService:
        """The customer file; loaded on first use so the register starts faster."""
        from till.customer_service import CustomerService

        return CustomerService(self.settings, self.session)

    @cached_property
    def campaigns(self) -> CampaignService:
        from till.campaign_service import CampaignService

        return CampaignService(self.session)

    @property
    def till_no(self) -> int:
        return self.settings.till.number

    def scan(self, text: str, price_code: str = "") -> tuple[Item, int]:
        """What a scan or typed entry sells: the item (with its price on the ``price_code``
        list) and how many. Raises a TillError."""
        entry = parse_scan_entry(text)
        return catalog.lookup(entry.code, price_code), entry.quantity

    def attach(self, cart: Cart, customer: SaleCustomer | None) -> None:
        """Attach a customer to the cart (None: walk-in) and reprice its lines for them."""
        price_code = customer.terms.price_code if customer else ""
        product_ids = [line.item.product_id for line in cart.lines]
        cart.attach(customer, catalog.code_prices(price_code, product_ids))

    def record(self, cart: Cart, on_busy: Callable[[], object] | None = None) -> RecordedSale:
        """Commit a paid sale and its receipt's print job durably. Blocks until it is on disk:
        call from a worker thread (``on_busy``: see :meth:`in_writer`)."""
        self.session.authorise(Permission.SELL)
        return self.in_writer(self._record, cart, on_busy=on_busy)

    def _record(self, cart: Cart) -> RecordedSale:
        revision = self.open_sale.next_revision()
        with database.atomic():  # the sale is saved and no longer open in one transaction
            sale = self._record_sale(cart)
            self.subscriptions.activate(cart, sale)  # its subscriptions, with it
            open_sale.clear(self.till_no, revision)
        return sale

    def _record_sale(self, cart: Cart) -> RecordedSale:
        return sales.record_sale(
            cart,
            till_no=self.till_no,
            seller=self.session.user.name,
            currency=self.settings.locale.currency,
            store=self.settings.store.name,
            loyalty_program=self.settings.loyalty.program,
            account_credit=self.account_credit(cart.customer),
            minor_per_unit=self.money.minor_per_unit,
            header=self._receipt_header(),
            points_limit=self._points_limit,
        )

    def _receipt_header(self) -> ReceiptHeader:
        from devices.printer.receipt import receipt_header

        return receipt_header(self.printer.layout)

    def _points_limit(self, customer_id: str) -> tuple[int, str]:
        """What the customer may spend now, read again in the sale's transaction: the till
        may have gone offline since the payment screen offered the points."""
        limit = self.loyalty.spend_limit(customer_id)
        return limit.amount, limit.note

    def account_credit(self, customer: SaleCustomer | None) -> int:
        """How far into debt a payment on account may take this customer, in minor units."""
        return self.accounts.credit_limit(customer.business) if customer else 0

    def returnable(self, text: str) -> Returnable:
        """The sale a receipt number names, with what of it can still be returned."""
        from storage import returns
        from till.core.returns import parse_receipt_number

        return returns.returnable(parse_receipt_number(text))

    def record_return(
        self,
        receipt: str,
        quantities: dict[int, int],
        method: PaymentMethod,
        approver: Actor | None = None,
    ) -> RecordedSale:
        """Refund durably, on the writer thread: call from a worker."""
        return self.in_writer(self.refund, receipt, quantities, method, approver)

    def refund(
        self,
        receipt: str,
        quantities: dict[int, int],
        method: PaymentMethod,
        approver: Actor | None = None,
    ) -> RecordedSale:
        """The refund's write itself: run it on the writer thread (``in_writer``, or a
        screen's ``start_write``). The user logged in may refund, or ``approver`` does."""
        from storage import returns

        allowed_by = self.session.authorise(Permission.REFUND, approver)

        refund = returns.record_return(
            receipt,
            quantities,
            method,
            till_no=self.till_no,
            seller=self.session.user.name,
            currency=self.settings.locale.currency,
            store=self.settings.store.name,
            approved_by=allowed_by.name,
            loyalty_program=self.settings.loyalty.program,
            header=self._receipt_header(),
        )
        if approver is not None and refund.customer is not None:
            self._refund_approvers[refund.id] = approver  # it allows the credit note too
        self.subscriptions.cancel_refunded(refund)  # a plan given back ends with it
        return refund

    def close(self) -> None:
        """Write the open sale's last state, close the writer thread's connection, stop it."""
        if self.closed:
            return
        self.closed = True
        if "open_sale" in self.__dict__:
            try:
                self.open_sale.flush()
            except Exception:  # closing goes on; the last state written before is kept
                log.exception("The sale in progress could not be written before closing")
        self._writer.submit(database.close).result()
        self._writer.shutdown()

    def open_drawer(self, approver: Actor | None = None) -> None:
        """Open the cash drawer outside a sale: the user may, or ``approver`` does."""
        allowed_by = self.session.authorise(Permission.OPEN_DRAWER, approver)
        self.printing.open_drawer()
        self.in_writer(
            lambda: events.record_event(
                events.DRAWER_OPENED,
                self.session.label,
                {"approved_by": allowed_by.label},
                till_no=self.till_no,
            )
        )

    def set_price(
        self, cart: Cart, index: int, unit_price: int, approver: Actor | None = None
    ) -> CartLine:
        """Set a line's unit price by hand: the user may, or ``approver`` does. The price
        is final for that line, and the change is journaled with who allowed it."""
        allowed_by = self.session.authorise(Permission.OVERRIDE_PRICE, approver)
        before = cart.set_price(index, unit_price, allowed_by.name)
        details = {
            "code": before.item.code,
            "name": before.item.name,
            "from": before.unit_price,
            "to": unit_price,
            "approved_by": allowed_by.label,
        }
        self._journal_later(events.PRICE_SET, details)
        return cart.lines[index]

    def journal_voided_line(self, line: CartLine) -> None:
        """Journal a line taken off the open sale (on the writer thread; the screen goes on)."""
        self.session.authorise(Permission.SELL)
        details = {
            "code": line.item.code,
            "name": line.item.name,
            "quantity": line.quantity,
            "total": line.total,
        }
        self._journal_later(events.LINE_VOIDED, details)

    def journal_cancelled_sale(self, cart: Cart) -> None:
        """Journal an open sale cancelled with its lines (and any payment given back)."""
        self.session.authorise(Permission.SELL)
        details = {
            "lines": len(cart.lines),
            "total": cart.total,
            "paid_back": sum(p.amount for p in cart.payments),
        }
        self._journal_later(events.SALE_CANCELLED, details)

    def journal_error(self, where: str, failure: BaseException) -> None:
        """Journal an unexpected error (best effort: the error is in the log already)."""
        details = {"where": where[:80], "error": f"{type(failure).__name__}: {failure}"[:300]}
        self._journal_later(events.ERROR, details)

    def _journal_later(self, kind: str, details: dict[str, Any]) -> None:
        """Queue an event on the writer thread, behind the writes before it; the caller (a
        screen) does not wait. Best effort: a failure is logged, never raised."""
        label, till_no = self.session.label, self.till_no

        def record() -> int:
            return events.record_event(kind, label, details, till_no=till_no)

        def logged(done: Future[int]) -> None:
            failure = done.exception()
            if isinstance(failure, StorageError):  # the disk's trouble is told where it matters
                log.error("could not journal %s: %s", kind, failure, extra=logs.SHOWN)
            elif failure is not None:
                log.error("could not journal %s: %s", kind, failure)

        try:
            self._writer.submit(self._write, record, ()).add_done_callback(logged)
        except RuntimeError:  # the writer has stopped: the register is closing
            log.info("not journaled, the register is closing: %s %s", kind, details)

    def authorise(self, permission: Permission, approver: Actor | None = None) -> Actor:
        """Who allows the user logged in to do this (leaving the kiosk): NotPermitted if
        nobody does."""
        return self.session.authorise(permission, approver)

    def park(self, cart: Cart, name: str) -> Parked:
        self.session.authorise(Permission.SELL)
        revision = self.open_sale.next_revision()
        with database.atomic():  # parked and no longer open in one transaction
            parked_sale = parked.park(cart, name, till_no=self.till_no)
            open_sale.clear(self.till_no, revision)
        return parked_sale

    # --- the open sale, kept on disk as it changes ------------------------------------

    @cached_property
    def open_sale(self) -> OpenSaleKeeper:
        """Writes each new state of the sale in progress; see :meth:`keep_open_sale`."""
        return OpenSaleKeeper(self._write_open_sale, open_sale.revision(self.till_no))

    def reopen_sale(self) -> Cart | None:
        """The sale that was open when the register stopped (a crash, a kill, a power cut)."""
        return open_sale.load(self.till_no)

    def keep_open_sale(self, cart: Cart) -> bool:
        """Note the sale's new state (cheap, on the event loop). True: run
        :meth:`flush_open_sale` in a thread worker; False: the one already running writes it."""
        self.session.authorise(Permission.SELL)
        return self.open_sale.offer(cart)

    def flush_open_sale(self) -> None:
        """Write the open sale's newest state on the writer thread: call from a worker."""
        self.session.authorise(Permission.SELL)
        self.open_sale.flush()

    def _write_open_sale(self, revision: int, cart: Cart | None) -> None:
        self.in_writer(open_sale.save, self.till_no, revision, cart)

    def parked(self) -> list[Parked]:
        return parked.parked_sales(self.till_no)

    def resume(self, parked_id: str) -> Cart:
        self.session.authorise(Permission.SELL)
        return parked.resume(parked_id)

    def discard_parked(self, parked_id: str) -> None:
        self.session.authorise(Permission.SELL)
        parked.discard(parked_id)

    def sale(self, receipt_code: str) -> RecordedSale:
        return sales.get_sale(receipt_code)

    def last_sale(self) -> RecordedSale | None:
        return sales.last_sale(self.till_no)

    def reopen_after_read_only(self) -> None:
        """Drop the calling thread's connection (the event loop's): SQLite keeps a file it
        opened read-only that way in the whole process until every connection to it closed,
        even once the disk takes writes again. The writer drops its own on such a refusal."""
        if not database.is_closed():
            database.close()

    def in_writer(
        self, operation: Callable[..., T], *args: Any, on_busy: Callable[[], object] | None = None
    ) -> T:
        """Run a storage operation on the writer thread, as one transaction, and wait for it.

        While another program holds the write lock, the writer waits and tries again for up to
        ``busy_give_up_after`` seconds; ``on_busy`` is called once (from another thread) if the
        database is or turns busy before this write is done.
        SQLite's failures come out as ``StorageError``s. Called on the writer thread itself
        (an operation that writes through the register), it runs the operation there."""
        if threading.get_ident() == self._writer_thread:
            return operation(*args)
        caller = object()
        if on_busy is not None:  # told even if the wait is for the writes queued before
            with self._busy_state:
                busy = self._busy
                if not busy:
                    self._waiting[caller] = on_busy
            if busy:
                on_busy()
        try:
            return self._writer.submit(self._write, operation, args).result()
        finally:
            with self._busy_state:
                self._waiting.pop(caller, None)

    def _write(self, operation: Callable[..., T], args: tuple[Any, ...]) -> T:
        self._writer_thread = threading.get_ident()
        give_up = time.monotonic() + self.busy_give_up_after
        try:
            while True:
                try:
                    with storage_errors():
                        if database.connect(reuse_if_open=True):  # the writer keeps it open
                            timeout = int(self.busy_wait * 1000)
                            database.execute_sql(f"PRAGMA busy_timeout = {timeout}")
                        # One transaction: a write that met a busy database left nothing
                        # behind, so trying it again can never write it twice.
                        with database.atomic():
                            return operation(*args)
                except DatabaseBusy as busy:
                    if time.monotonic() >= give_up:
                        raise DatabaseBusy(
                            N_(
                                "The database stayed busy for {seconds:g} s: another program"
                                " is writing to it. Nothing was saved; try again."
                            ),
                            seconds=self.busy_give_up_after,
                        ) from busy
                    self._tell_busy()
                    time.sleep(BUSY_PAUSE)
                except ReadOnlyDatabase:
                    # SQLite opened the file read-only and keeps it so: the next write opens
                    # it again, writable once the disk is.
                    database.close()
                    raise
        finally:
            self._busy = False

    def _tell_busy(self) -> None:
        with self._busy_state:
            self._busy = True
            waiting, self._waiting = list(self._waiting.values()), {}
        for tell in waiting:
            tell()

    def demo_codes(self, limit: int = 200) -> list[str]:
        return catalog.sample_codes(limit)
