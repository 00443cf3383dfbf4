"""The services the screens call: catalog lookup, recording sales, receipts. No UI, no SQL here."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from devices.printer.receipt import ReceiptLayout
from devices.printer.service import ReceiptPrinter
from devices.printer.transport import open_transport
from storage import catalog, parked, sales
from storage.models import database
from till.config import Settings
from till.core.barcodes import parse_scan_entry
from till.core.money import MoneyFormat
from till.core.sale import Cart, Item, Parked, PaymentMethod, RecordedSale, SaleCustomer
from till.printing import PrintQueue

T = TypeVar("T")

if TYPE_CHECKING:
    from till.account_service import AccountService
    from till.core.returns import Returnable
    from till.customer_service import CustomerService
    from till.loyalty_service import LoyaltyService


class Register:
    """One till's services, bound to an open database and the configured printer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.money = MoneyFormat(settings.locale.currency, settings.locale.locale)
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
        self.printer = ReceiptPrinter(transport, layout, settings.printer.profile)
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-writer")
        """Sales are written by one long-lived thread with one connection, in order."""
        self.printing = PrintQueue(self.printer, self.in_writer)

    @cached_property
    def loyalty(self) -> LoyaltyService:
        """The loyalty program; loaded on first use."""
        from till.loyalty_service import LoyaltyService

        return LoyaltyService(self.settings, self.money, self.customers.actor)

    @cached_property
    def accounts(self) -> AccountService:
        """Customer accounts: credit notes, deposits, on-account sales."""
        from till.account_service import AccountService

        return AccountService(self.settings, self.customers.actor)

    @cached_property
    def customers(self) -> CustomerService:
        """The customer file; loaded on first use so the register starts faster."""
        from till.customer_service import CustomerService

        return CustomerService(self.settings)

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

    def record(self, cart: Cart) -> RecordedSale:
        """Commit a paid sale and its receipt's print job durably. Blocks until it is on disk:
        call from a worker thread."""
        return self.in_writer(self._record, cart)

    def _record(self, cart: Cart) -> RecordedSale:
        return sales.record_sale(
            cart,
            till_no=self.till_no,
            seller=self.settings.till.seller,
            currency=self.settings.locale.currency,
            store=self.settings.store.name,
            loyalty_program=self.settings.loyalty.program,
            account_credit=self.account_credit(cart.customer),
        )

    def account_credit(self, customer: SaleCustomer | None) -> int:
        """How far into debt a payment on account may take this customer, in minor units."""
        return self.accounts.credit_limit(customer.business) if customer else 0

    def returnable(self, text: str) -> Returnable:
        """The sale a receipt number names, with what of it can still be returned."""
        from storage import returns
        from till.core.returns import parse_receipt_number

        return returns.returnable(parse_receipt_number(text))

    def record_return(
        self, receipt: str, quantities: dict[int, int], method: PaymentMethod, approved_by: str
    ) -> RecordedSale:
        """Refund durably, on the writer thread: call from a worker."""
        from storage import returns

        return self.in_writer(
            lambda: returns.record_return(
                receipt,
                quantities,
                method,
                till_no=self.till_no,
                seller=self.settings.till.seller,
                currency=self.settings.locale.currency,
                store=self.settings.store.name,
                approved_by=approved_by,
                loyalty_program=self.settings.loyalty.program,
            )
        )

    def close(self) -> None:
        """Close the writer thread's connection and stop it."""
        self._writer.submit(database.close).result()
        self._writer.shutdown()

    def park(self, cart: Cart, name: str) -> Parked:
        return parked.park(cart, name, till_no=self.till_no)

    def parked(self) -> list[Parked]:
        return parked.parked_sales(self.till_no)

    def resume(self, parked_id: str) -> Cart:
        return parked.resume(parked_id)

    def discard_parked(self, parked_id: str) -> None:
        parked.discard(parked_id)

    def sale(self, receipt_code: str) -> RecordedSale:
        return sales.get_sale(receipt_code)

    def last_sale(self) -> RecordedSale | None:
        return sales.last_sale(self.till_no)

    def in_writer(self, operation: Callable[..., T], *args: Any) -> T:
        """Run a storage operation on the writer thread and wait for it."""
        return self._writer.submit(self._connected, operation, *args).result()

    @staticmethod
    def _connected(operation: Callable[..., T], *args: Any) -> T:
        database.connect(reuse_if_open=True)  # the writer thread keeps its connection open
        return operation(*args)

    def demo_codes(self, limit: int = 200) -> list[str]:
        return catalog.sample_codes(limit)
