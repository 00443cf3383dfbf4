"""The home screen: scan items, change quantities, void lines, then pay."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, Static

from till.core.coupons import looks_like_coupon
from till.core.money import parse_amount
from till.core.sale import (
    PAYMENT_LABELS,
    WALK_IN,
    Cart,
    Parked,
    PaymentMethod,
    RecordedSale,
    SaleCustomer,
)
from till.errors import (
    DatabaseBusy,
    DiskFailure,
    DiskFull,
    InvalidSale,
    ReadOnlyDatabase,
    StorageError,
    TillError,
    UnknownProduct,
)
from till.i18n import N_, NC_, _, plural
from till.logs import SHOWN
from till.messages import Scanned
from till.price_words import reduction_label
from till.printing import PrinterState
from till.screens.invoice_words import automatic_words
from till.screens.sale_coupons import SaleCoupons
from till.screens.writes import BUSY, WriteReport, WritingScreen
from till.widgets.cart import CartTable
from till.widgets.footer import TillFooter
from till.widgets.language import TranslatedBindings, key_hint, key_name
from till.widgets.line import Line

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor
    from till.register import AutomaticInvoice
    from till.screens.payment import AccountOffer, PointsOffer
    from till.sync_service import SyncStatus

log = logging.getLogger(__name__)

PRICE_ENTRY = "="
"""Typed before an amount in the scan field (``=3,50``): the selected line's price."""

CHANGES_SALE = frozenset(
    {
        "pay",
        "quantity",
        "void",
        "cancel_sale",
        "demo_scan",
        "customer",
        "quick_add",
        "park",
        "return_items",
        "coupon",
    }
)
LOCKED_ONCE_PAID = frozenset(
    {"quantity", "void", "demo_scan", "customer", "quick_add", "park", "return_items", "coupon"}
)
"""Keys that cannot apply once payment has started: hidden from the footer until the sale ends."""

NOT_SAVED: dict[type[StorageError], str] = {
    DiskFull: N_("The disk is full: this sale is kept on screen, NOT saved. Call for help."),
    ReadOnlyDatabase: N_("The database is read-only: this sale is kept on screen. Call for help."),
    DiskFailure: N_("Disk error: this sale is kept on screen, NOT saved. Call for help."),
    DatabaseBusy: N_("The database is busy: this sale is kept on screen. {pay} tries again."),
    StorageError: N_(
        "The sale is NOT saved (database error): it is kept on screen. {pay} retries."
    ),
}
"""What the cashier reads on the one message line (80 columns) when the save fails;
``{pay}`` is the key that pays."""


class SaleScreen(SaleCoupons, TranslatedBindings, WritingScreen, Screen):
    """Rings up one sale after another on the same screen."""

    DEFERS_TYPING = False  # scans typed while the sale is parked or saved are kept as scans
    FOOTER_CONTEXT = "sale footer"
    """Nine keys share 80 columns: some words are shorter here than on other screens."""
    _SHORT_WORDS = (
        NC_("sale footer", "New"),
        NC_("sale footer", "Park"),
        NC_("sale footer", "Void"),
        NC_("sale footer", "Cancel"),
    )

    app: TillApp

    BINDINGS = [
        Binding("f10,ctrl+t", "pay", "Pay", id="pay"),
        Binding("f2,ctrl+f", "customer", "Customer", id="customer"),
        Binding("f3,ctrl+n", "quick_add", "New", id="quick_add"),
        Binding("f5,ctrl+b", "park", "Park", id="park"),
        Binding("f4,ctrl+o", "quantity", "Qty", id="quantity"),
        Binding("f8,ctrl+r", "void", "Void", id="void"),
        Binding("f9,ctrl+g", "cancel_sale", "Cancel", id="cancel"),
        Binding("f7,ctrl+l", "last_receipt", "Receipt", id="receipt"),
        Binding("f6,ctrl+p", "return_items", "Return", id="return"),
        Binding("f6,ctrl+p", "return_items('unshown')", "Return", show=False, id="return"),
        Binding("f12,ctrl+y", "demo_scan", "Demo", show=False, id="demo_scan"),
        Binding("f11,ctrl+s", "switch_user", "User", show=False, id="switch_user"),
        Binding("f1,ctrl+z", "close_day", "Close day", show=False, id="close_day"),
        # Every F-key is taken here, and the scan field's own Ctrl+K (delete to the end) gives
        # way: the key shows only while the attached customer has a coupon waiting.
        Binding("ctrl+k", "coupon", "Coupon", id="coupon", priority=True),
        Binding("up", "cursor(-1)", "Up", show=False, id="line_up"),
        Binding("down", "cursor(1)", "Down", show=False, id="line_down"),
        Binding("escape", "clear_entry", "Clear", show=False, id="clear_entry"),
    ]

    cart: reactive[Cart] = reactive(Cart, always_update=True, init=False)
    """The sale being rung up; reassigned (or mutated then refreshed) after every change."""

    saving: reactive[bool] = reactive(False, bindings=True)
    """True while the sale is being committed or parked (or one resumed): no key may change
    it meanwhile."""

    def __init__(self) -> None:
        super().__init__()
        self._held_scans: list[Scanned] = []
        """Scans made while the sale was being saved or parked, for the sale after it."""
        self._written = asyncio.Event()
        """Set once the sale being saved is written (or found busy): keys typed behind go on."""
        self._written.set()

    _payment_started = False
    """Whether the footer now shows the keys of a sale whose payment has started."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="status"):
            yield Static(self._store_line(self.app.register.session.user.name), id="store")
            yield Line(id="printer-status")
            yield Line(id="sync-status")
            yield Line(id="disk-status", classes="warning")
            yield Line(id="sale-customer")
        yield CartTable(self.app.register.money, id="cart")
        with Horizontal(id="totals"):
            yield Line(id="vat")
            yield Line(id="total", keep_newlines=True)  # TOTAL, then Paid … Due …
        yield Line(id="message")
        yield Input(placeholder=_("Scan or type a barcode (3*code for three)"), id="scan")
        yield TillFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "printer_state", self._show_printer)
        self.watch(self.app, "sync_status", self._show_sync)
        self.watch(self.app, "disk_refusal", self._show_disk)
        self.cart = self._reopen()
        self.query_one("#scan", Input).focus()

    def _reopen(self) -> Cart:
        """The sale left open when the register stopped, told on the message line."""
        try:
            cart = self.app.register.reopen_sale()
        except TillError as error:
            self.say(str(error), "error")
            return Cart()
        if cart is None:
            return Cart()
        back = plural(cart.item_count, "{n} item", "{n} items")
        if cart.is_settled:
            back += _(", paid. {pay} saves it").format(pay=key_hint(self.app, "pay"))
        elif cart.payments:
            back += plural(len(cart.payments), ", {n} payment taken", ", {n} payments taken")
        self.say(
            _("The sale open when the register stopped is back: {what}.").format(what=back),
            "warning",
        )
        return cart

    def watch_cart(self, cart: Cart) -> None:
        self._show(cart)

    # --- customers ----------------------------------------------------------------------

    def action_customer(self) -> None:
        from till.screens.customer_search import CustomerSearchScreen

        self.app.push_screen(CustomerSearchScreen(), self.attach)

    def action_quick_add(self) -> None:
        from till.screens.quick_add import QuickAddScreen

        self.app.push_screen(QuickAddScreen(), self.attach)

    def attach(self, customer: SaleCustomer | None) -> None:
        """Attach a customer to the sale (WALK_IN clears it); None leaves the sale as it was."""
        if customer is None:
            return
        try:
            self.app.register.attach(self.cart, None if customer is WALK_IN else customer)
        except TillError as error:
            self.say(str(error), "error")
            return
        self._show(self.cart)  # a business customer's prices are shown excluding tax
        if customer is WALK_IN:
            self.say(_("Walk-in sale: no customer attached."), "info")
            return
        said = _("Customer {code} {name} attached.").format(code=customer.code, name=customer.name)
        ending = self._subscription_reminder(customer)
        coupon = self.offer_coupon(customer)  # an unused coupon of theirs, told
        ending = " ".join(part for part in (ending, coupon) if part)
        self.say(f"{said} {ending}" if ending else said, "warning" if ending else "success")
        full = self.app.register.customers.get(customer.id)
        if full.reconfirm:
            from till.screens.customer_form import CustomerFormScreen

            self.app.push_screen(CustomerFormScreen(full, confirming=True))

    def _show_printer(self, state: PrinterState) -> None:
        line = self.query_one("#printer-status", Line)
        line.set_class(not state.ok, "warning")
        # waiting, not confirmed (the receipt key shows it), or sent, not confirmed
        line.show(state.line(key_hint(self.app, "receipt")))

    def _show_sync(self, status: SyncStatus | None) -> None:
        line = self.query_one("#sync-status", Line)
        line.display = status is not None
        if status is not None:
            line.set_class(not status.ok, "warning")
            line.show(status.line(self.app.register.formats.time))

    def _show_disk(self, refusal: str) -> None:
        line = self.query_one("#disk-status", Line)
        line.display = bool(refusal)
        line.show(_("Not saving: disk") if refusal else "")

    def _subscription_reminder(self, customer: SaleCustomer) -> str:
        """When the customer's subscription ends soon or just ended: the words the cashier
        reads now (the status line keeps a short form while the customer stays attached)."""
        from till.subscription_words import reminder_short, reminder_words

        reminder = self.app.register.subscriptions.reminder(customer.id)
        self._reminder = (customer.id, reminder_short(reminder)) if reminder else None
        self._show_customer()
        return reminder_words(reminder, self.app.register.formats) if reminder else ""

    _reminder: tuple[str, str] | None = None
    """The attached customer's id and their subscription's short reminder, if any."""

    def _show_customer(self) -> None:
        customer = self.cart.customer
        label = f"{customer.code} {customer.name}" if customer else _("Walk-in customer")
        line = self.query_one("#sale-customer", Line)
        ending = self._reminder and customer and self._reminder[0] == customer.id
        line.set_class(bool(ending), "warning")
        line.show(f"{label} · {self._reminder[1]}" if ending and self._reminder else label)

    def _store_line(self, seller: str) -> Text:
        settings = self.app.register.settings
        till = _("Till {number}").format(number=settings.till.number)
        return Text(f"{settings.store.name} · {till} · {seller}")

    def show_seller(self, name: str) -> None:
        """Who sells now (a cashier logged in): the sale's seller when it is recorded."""
        self.query_one("#store", Static).update(self._store_line(name))

    def _set_price(self, typed: str) -> None:
        """``=3,50`` typed in the scan field: the selected line's unit price, for a manager
        (or with their PIN)."""
        from till.core.people import Permission
        from till.screens.manager import with_approval

        index = self._selected()
        if index is None:
            self.say(_("Select the line whose price changes first, then type =PRICE."), "warning")
            return
        register = self.app.register
        try:
            price = parse_amount(typed, register.money.precision)
        except TillError as error:
            self.say(str(error), "error")
            return
        line = self.cart.lines[index]
        what = _("Price of {name}: {price}").format(
            name=line.item.name, price=register.money(price)
        )

        def approved(approver: Actor | None) -> None:
            still_there = index < len(self.cart.lines) and self.cart.lines[index] is line
            if still_there and self._change(
                lambda: register.set_price(self.cart, index, price, approver), index, index
            ):
                self.say(
                    _("{name}: {price} each.").format(
                        name=line.item.name, price=register.money(price)
                    ),
                    "info",
                )

        with_approval(self.app, what, Permission.OVERRIDE_PRICE, approved)

    def action_close_day(self) -> None:
        """The X report, the cash counted and the Z, for a manager (or with their PIN)."""
        from till.screens.closure import close_the_day

        if self.cart.lines or self.saving:
            self.say(_("Finish or park the sale before closing the day."), "warning")
            return
        close_the_day(self.app)

    def action_switch_user(self) -> None:
        self.app.log_in(
            _("Switch cashier: type your PIN, then {enter}.").format(enter=key_name("enter"))
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "demo_scan" and not self.app.demo:
            return False
        if action == "switch_user" and not self.app.has_users:
            return False
        if self._payment_started and action in LOCKED_ONCE_PAID:
            return False
        if action == "coupon" and not self.coupon_key_applies():
            return False
        if action == "return_items" and self.coupon_key_applies():
            return bool(parameters)  # the coupon's key takes Return's room; F6 still works
        return not (self.saving and action in CHANGES_SALE)

    # --- the one input path -------------------------------------------------------------

    @on(Input.Submitted, "#scan")
    def scan_field_submitted(self, event: Input.Submitted) -> None:
        event.input.clear()
        if event.value.strip():
            self.post_message(Scanned(event.value, "keyboard"))

    def on_scanned(self, message: Scanned) -> None:
        if self.saving:  # the sale is being saved or parked: this scan is for the next one
            self._held_scans.append(message)
            kept = plural(len(self._held_scans), "{n} scan", "{n} scans")
            self.say(_("Saving… {scans} kept for after.").format(scans=kept), "warning")
            return
        if message.role == "loyalty":  # a scanner that reads only loyalty cards
            self._recall_card(message.text.strip())
            return
        if message.text.startswith(PRICE_ENTRY) and message.source == "keyboard":
            self._set_price(message.text.removeprefix(PRICE_ENTRY))
            return
        if looks_like_coupon(message.text):  # letters first: never a product's EAN or a card
            self.take_coupon(message.text)
            return
        try:
            item, quantity = self.app.register.scan(message.text, self.cart.terms.price_code)
            self.app.register.subscriptions.check_item(item, self.cart.customer)
            index = self.cart.add(item, quantity)
        except UnknownProduct as unknown:
            if message.role == "product":  # a scanner that reads only products
                self.say(str(unknown), "error")
                self.app.bell()
            else:
                self._recall_card(message.text.strip(), unknown)
            return
        except TillError as error:
            self.say(str(error), "error")
            self.app.bell()
            return
        self._show(self.cart, selected=index, first_changed=index)
        price = self.cart.lines[index].price
        money = self.app.register.money
        why = reduction_label(price, money)
        note = f"  ({why})" if why else ""
        self.say(f"{item.name}  {money(price.unit_price)}{note}", "info")

    def _recall_card(self, card: str, unknown: UnknownProduct | None = None) -> None:
        """Attach the holder of a loyalty card; ``unknown``: the code was tried as a product."""
        card_holder = self.app.register.customers.by_card(card)
        if card_holder is None:
            try:
                self.app.register.loyalty.check_card(card)
            except TillError as replaced:
                self.say(str(replaced), "error")
                self.app.bell()
                return
            self.say(
                str(unknown)
                if unknown
                else _("No customer has the card {card}.").format(card=card),
                "error",
            )
            self.app.bell()
        elif not card_holder.active:
            self.say(
                _("Card of {code}, who is inactive: see the file.").format(code=card_holder.code),
                "error",
            )
        else:
            self.attach(self.app.register.customers.for_sale(card_holder))

    # --- actions ------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        table = self.query_one(CartTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.cursor_row + step, table.row_count - 1)))

    def action_clear_entry(self) -> None:
        self.query_one("#scan", Input).clear()

    def action_quantity(self) -> None:
        index = self._selected()
        if index is None:
            return
        line = self.cart.lines[index]

        def apply(quantity: int | None) -> None:
            if quantity is not None:
                self._change(lambda: self.cart.set_quantity(index, quantity), index, index)

        from till.screens.prompts import QuantityScreen

        self.app.push_screen(QuantityScreen(line.item.name, line.quantity), apply)

    def action_void(self) -> None:
        index = self._selected()
        if index is not None:
            line = self.cart.lines[index]
            if self._change(lambda: self.cart.void(index), max(index - 1, 0), index):
                self.app.register.journal_voided_line(line)
                self.say(_("Voided {name}.").format(name=line.item.name), "info")

    def action_cancel_sale(self) -> None:
        if not self.cart.lines:
            self.say(_("Nothing to cancel."), "info")
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.app.register.journal_cancelled_sale(self.cart)
                self.cart = Cart()
                self.say(_("Sale cancelled."), "info")

        question = _("Cancel this sale and clear every line?")
        if self.cart.payments:  # never dropped without a word: the money goes back first
            money = self.app.register.money
            taken = ", ".join(
                f"{_(PAYMENT_LABELS[p.method])} {money(p.amount)}" for p in self.cart.payments
            )
            question = _("Payment taken: {taken}. Give it back, then cancel this sale?").format(
                taken=taken
            )
        from till.screens.prompts import ConfirmScreen

        self.app.push_screen(ConfirmScreen(question), answer)

    def action_pay(self) -> None:
        if not self.cart.lines:
            self.say(_("The sale is empty: scan an item first."), "warning")
            return
        try:  # a subscription card sold once its customer went: said before any payment
            self.app.register.subscriptions.check_cart(self.cart)
        except TillError as error:
            self.say(str(error), "warning")
            return
        if self.cart.is_settled:
            self.save_sale()
            return

        def paid(settled: bool | None) -> None:
            self._show(self.cart)
            if settled:
                self.save_sale()

        from till.screens.payment import PaymentScreen

        self.app.push_screen(
            PaymentScreen(
                self.cart,
                self.app.register.money,
                self._points_offer(),
                self._account_offer(),
                changed=lambda: self._show(self.cart),  # each payment is kept as it is taken
            ),
            paid,
        )

    def _points_offer(self) -> PointsOffer | None:
        from till.screens.payment import PointsOffer

        if self.cart.customer is None or not self.cart.customer.enrolled:
            return None
        loyalty = self.app.register.loyalty
        balance = loyalty.summary(self.cart.customer.id).balance
        limit = loyalty.spend_limit(self.cart.customer.id)
        points_paid = sum(p.amount for p in self.cart.payments if p.method is PaymentMethod.POINTS)
        already = (points_paid + self.cart.points_discount) // loyalty.program.point_value
        return PointsOffer(
            spendable=max(limit.amount - already, 0),
            point_value=loyalty.program.point_value,
            balance=balance,
            threshold=loyalty.program.threshold,
            note=limit.note,
        )

    def _account_offer(self) -> AccountOffer | None:
        from till.screens.payment import AccountOffer

        customer = self.cart.customer
        if customer is None:
            return None
        accounts = self.app.register.accounts
        already = sum(p.amount for p in self.cart.payments if p.method is PaymentMethod.ACCOUNT)
        limit = accounts.spend_limit(customer)
        return AccountOffer(
            available=max(limit.amount - already, 0),
            balance=accounts.balance(customer.id) - already,
            credit_limit=accounts.credit_limit(customer.business),
            note=limit.note,
        )

    def action_park(self) -> None:
        """Park the sale in progress, or, with none, choose a parked one to resume."""
        from till.screens.parked import ParkedScreen, ParkNameScreen

        if not self.cart.lines:
            self.app.push_screen(ParkedScreen(), self._resume)
            return
        customer = self.cart.customer
        suggestion = (
            customer.name if customer else _("Sale {time}").format(time=f"{datetime.now():%H:%M}")
        )

        def park(name: str | None) -> None:
            if name is not None:
                self.saving = True  # the sale stays as it is until it is parked
                self.start_write(
                    self.app.register.park,
                    self.cart,
                    name,
                    show=self._progress,
                    done=parked,
                    failed=self._write_failed,
                )

        def parked(parked: Parked) -> None:
            self.cart = Cart()
            self._write_ended(ok=True)
            self.say(
                _("Parked as {name!r}. {park} on an empty sale resumes it.").format(
                    name=parked.name, park=key_hint(self.app, "park")
                ),
                "success",
            )

        self.app.push_screen(ParkNameScreen(suggestion), park)

    def _resume(self, parked_id: str | None) -> None:
        if parked_id is not None:
            self.saving = True
            self.start_write(
                self.app.register.resume,
                parked_id,
                show=self._progress,
                done=self._resumed,
                failed=self._write_failed,
            )

    def _resumed(self, cart: Cart) -> None:
        self.cart = cart
        self._write_ended(ok=True)
        self._show(self.cart, selected=len(self.cart.lines) - 1)
        items = plural(self.cart.item_count, "{n} item", "{n} items")
        self.say(_("Sale resumed: {items}.").format(items=items), "success")

    def _progress(self, text: str) -> None:
        if text == _(BUSY):  # a long wait: keys typed behind go on meanwhile (scans are kept)
            self._written.set()
        self.say(text, "warning" if text == _(BUSY) else "info")

    def _write_failed(self, error: TillError) -> None:
        self._write_ended(ok=False)
        self.say(str(error) + self._scans_dropped(), "error")

    def _write_ended(self, *, ok: bool) -> None:
        """The sale's write is over: scans kept meanwhile go on to the sale now on screen."""
        self.saving = False
        self._written.set()
        if ok:
            for scan in self._held_scans:
                self.post_message(scan)
            self._held_scans.clear()

    def _scans_dropped(self) -> str:
        """After a failed write: the scans kept meanwhile are not added to the unsaved sale."""
        dropped, self._held_scans = len(self._held_scans), []
        if not dropped:
            return ""
        return " " + plural(
            dropped,
            "{n} scan made meanwhile not added: scan again.",
            "{n} scans made meanwhile not added: scan again.",
        )

    def action_last_receipt(self) -> None:
        sale = self.app.register.last_sale()
        if sale is None:
            self.say(_("No sale yet on this till."), "info")
            return
        from till.screens.receipt import ReceiptScreen

        self.app.push_screen(ReceiptScreen(sale))

    def action_return_items(self, _unshown: str = "") -> None:
        if self.cart.lines:
            self.say(
                _("Finish or park this sale first: a return starts from an empty sale."), "warning"
            )
            return
        from till.screens.returns import REFUNDS, ReturnScreen

        def refunded(refund: RecordedSale | None) -> None:
            if refund is None:
                return
            money = self.app.register.money
            how = ", ".join(
                f"{money(-p.amount)} {_(REFUNDS.get(p.method, N_('in points')))}"
                for p in refund.payments
            )
            self.say(
                _("Refund {code} saved: {how}.").format(code=refund.receipt_code, how=how),
                "success",
            )
            self.app.spool()
            self.app.sync_soon()
            self._invoice_automatically(refund)

        self.app.push_screen(ReturnScreen(), refunded)

    def action_demo_scan(self) -> None:
        code = self.app.simulated_scanner.next_code()
        if code is None:
            self.say(_("The demo catalog is empty."), "warning")
        else:
            self.post_message(Scanned(code, "simulated"))

    # --- committing ---------------------------------------------------------------------

    def save_sale(self) -> None:
        """Commit the paid sale in a worker; the screen says done only once it is durable."""
        self.saving = True
        self._written = self.app.key_gate.hold_for_write()  # keys typed behind: the next sale's
        self.say(_("Saving the sale…"), "info")
        self._commit(self.cart)

    @work(thread=True, exclusive=True, group="sale", exit_on_error=False)
    def _commit(self, cart: Cart) -> None:
        try:
            sale = self.app.register.record(
                cart, on_busy=lambda: self.post_message(WriteReport(self._progress, _(BUSY)))
            )
        except Exception as error:  # the sale stays on screen, paid, ready to save again
            if not isinstance(error, TillError):  # a bug: its traceback in the log
                log.exception("the sale could not be saved", extra=SHOWN)
            elif isinstance(error, StorageError):  # the database's doing: the journal keeps it
                log.warning("the sale could not be saved: %s", error, extra=SHOWN)
            self.app.call_from_thread(self._save_failed, error)
        else:
            self.app.call_from_thread(self._saved, sale)

    def _save_failed(self, error: Exception) -> None:
        self._write_ended(ok=False)
        dropped = self._scans_dropped()
        if isinstance(error, InvalidSale):  # the rules refused it: trying again cannot help
            self.cart.clear_payments()
            self._show(self.cart)
            self.say(
                _("The sale is NOT saved: {error} Take the payment again ({pay}).").format(
                    error=error, pay=key_hint(self.app, "pay")
                )
                + dropped,
                "error",
            )
            return
        if isinstance(error, StorageError):  # the full reason in a toast, the gist on the line
            self.app.notify(
                f"{error}{dropped}", title=_("Sale not saved"), severity="error", markup=False
            )
            said = _(NOT_SAVED.get(type(error), NOT_SAVED[StorageError]))
            self.say(said.format(pay=key_hint(self.app, "pay")), "error")
            return
        self.say(
            _("The sale is NOT saved: {error}. Press {pay} to try again.").format(
                error=error, pay=key_hint(self.app, "pay")
            )
            + dropped,
            "error",
        )

    def _saved(self, sale: RecordedSale) -> None:
        self.cart = Cart()
        self._write_ended(ok=True)
        money = self.app.register.money
        said = _("Sale {code} saved. Total {total}.").format(
            code=sale.receipt_code, total=money(sale.total)
        )
        if sale.change_given:
            said += "  " + _("Change {amount}").format(amount=money(sale.change_given))
        if sale.points_balance is not None:
            said += "  " + _("+{earned} points ({balance})").format(
                earned=sale.points_earned, balance=sale.points_balance
            )
        card = self.app.register.subscriptions.activated_by(sale.id)
        if card is not None:  # the card it sold, for the cashier to tell
            said += "  " + _("{plan} until {date}").format(
                plan=card.benefit.name, date=self.app.register.formats.date(card.ends)
            )
        self.say(said, "success")
        self.app.spool()
        self.app.sync_soon()
        self._invoice_automatically(sale)

    def _invoice_automatically(self, sale: RecordedSale) -> None:
        """A customer invoiced automatically gets the sale's invoice (a refund's credit
        note), off the event loop, now that the sale is durable."""
        customer = sale.customer
        if customer is None or not (customer.invoice_automatically or sale.refund_of_id):
            return  # most sales: no write transaction only to learn that
        self.app.run_worker(
            partial(self._automatic_invoice, sale),
            group="invoices",
            thread=True,
            exit_on_error=False,
        )

    def _automatic_invoice(self, sale: RecordedSale) -> None:
        outcome = self.app.register.invoice_automatically(sale)
        if outcome is not None:
            self.app.call_from_thread(self._invoiced, outcome)

    def _invoiced(self, outcome: AutomaticInvoice) -> None:
        """Tell the cashier, whatever screen is up; the receipt screen reads it again."""
        said, severity = automatic_words(outcome, key_hint(self.app, "receipt.invoice"))
        self.app.notify(said, severity=severity, markup=False)  # type: ignore[arg-type]
        from till.screens.receipt import ReceiptScreen

        if isinstance(self.app.screen, ReceiptScreen):
            self.app.screen.read_invoice()

    # --- display ------------------------------------------------------------------------

    def say(self, text: str, severity: str = "info") -> None:
        message = self.query_one("#message", Line)
        message.set_classes(severity)
        message.show(text)

    def _selected(self) -> int | None:
        table = self.query_one(CartTable)
        if not table.row_count:
            self.say(_("No line to change: scan an item first."), "warning")
            return None
        return table.cursor_row

    def _change(self, change, selected: int, first_changed: int) -> bool:
        try:
            change()
        except TillError as error:
            self.say(str(error), "error")
            return False
        self._show(self.cart, selected=selected, first_changed=first_changed)
        return True

    def _keep(self, cart: Cart) -> None:
        """Keep the sale on disk off the event loop; a burst of changes is one or two writes."""
        self.app.open_sale_saver.keep(cart)

    def _show(self, cart: Cart, selected: int | None = None, first_changed: int = 0) -> None:
        """Show the sale after any change to it, and keep that state on disk."""
        started = bool(cart.payments or cart.points_discount)
        if started != self._payment_started:  # rare: the footer is rebuilt only then
            self._payment_started = started
            self.refresh_bindings()
        self._keep(cart)
        self._show_customer()
        self.query_one(CartTable).show(cart, selected, first_changed)
        if not cart.lines:
            hint = ""
            if self.app.demo:
                demo = key_hint(self.app, "demo_scan")
                hint = "  " + _("({key}: a demo scan)").format(key=demo)
            self.query_one("#vat", Line).show(_("New sale: scan the first item.") + hint)
            self.query_one("#total", Line).show("")
            return
        money, rate = self.app.register.money, self.app.register.formats.rate
        vat = "  ".join(
            _("VAT {rate} {amount}").format(rate=rate(v.rate_bp), amount=money(v.vat))
            for v in cart.vat
        )
        saved = (
            "  " + _("Saved {amount}").format(amount=money(cart.discount)) if cart.discount else ""
        )
        items = plural(cart.item_count, "{n} item", "{n} items")
        self.query_one("#vat", Line).show(f"{items}  {vat}{saved}")
        due = _("TOTAL {amount}").format(amount=money(cart.total))
        if cart.tax_free:
            due = _("Export, no VAT") + f"  {due}"
        elif cart.prices_excl_tax:
            net = sum(v.net for v in cart.vat)
            due = _("Excl. VAT {amount}").format(amount=money(net)) + f"  {due}"
        if cart.payments:
            due += "\n" + _("Paid {paid}  Due {due}").format(
                paid=money(cart.paid), due=money(cart.remaining)
            )
        self.query_one("#total", Line).show(due)
