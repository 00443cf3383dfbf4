"""The customer's 360° view: the file in tabs, figures, sales history and every change made."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static, TabbedContent, TabPane

from till.account_words import balance_words
from till.core.coupons import Received
from till.core.customer import (
    DATE_FIELDS,
    DETAIL_FIELDS,
    IDENTITY_FIELDS,
    LABELS,
    Address,
    Customer,
    CustomerKind,
    shown,
)
from till.core.customer_business import channel_without_consent, worded_choice
from till.core.customer_lookup import HistoryFilter, SaleSummary
from till.core.formats import Formats
from till.core.history_scope import HistoryPlace, HistoryScope, OlderSales, history_notice
from till.core.offline import Overdrawn
from till.core.sale import SaleCustomer
from till.errors import TillError
from till.i18n import N_, _, pgettext, plural
from till.record_words import reason_words, terms_words, value_words
from till.screens.account import AccountPanel, DepositScreen
from till.screens.invoice_issue import InvoiceAsk, Written, issued_words
from till.screens.prompts import ConfirmScreen
from till.screens.writes import STILL_SAVING, WritingScreen
from till.widgets.customer_campaigns import CampaignsPanel
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor

MAIN_FIELDS = (*IDENTITY_FIELDS, "card_number")
HISTORY_FILTERS = (
    ("receipt", N_("Receipt no.")),
    ("store", N_("Store")),
    ("seller", N_("Seller")),
    ("date_from", N_("From YYYY-MM-DD")),
    ("date_to", N_("To YYYY-MM-DD")),
)

FILE_TABS = ("tab-main", "tab-details")
"""Where the keys acting on the whole file (Active, Delete) are offered."""

DEPOSIT_METHODS = {"cash": N_("cash"), "card": N_("card")}
"""How a deposit's method (a code) reads in a sentence."""


class CustomerViewScreen(TranslatedBindings, WritingScreen, Screen[SaleCustomer | None]):
    """Dismisses with the customer when the cashier attaches it to the sale, else None."""

    app: TillApp

    BINDINGS = [
        Binding("f2,ctrl+t", "attach", "Attach", id="customer.attach"),
        Binding("f4,ctrl+o", "edit", "Edit", id="customer.edit"),
        Binding("f8,ctrl+r", "toggle_active", "Active", id="customer.active"),
        Binding("f9,ctrl+g", "delete", "Delete", id="customer.delete"),
        Binding("f7,ctrl+l", "open_sale", "Receipt", id="customer.receipt"),
        Binding("f5,ctrl+b", "older_history", "Older", id="customer.older_history"),
        Binding("f6,ctrl+p", "invoice", "Invoice", id="customer.invoice"),
        Binding("f3,ctrl+n", "add_address", "New addr.", id="customer.add_address"),
        Binding("f5,ctrl+b", "edit_address", "Change", id="customer.edit_address"),
        Binding("f6,ctrl+p", "remove_address", "Remove", id="customer.remove_address"),
        Binding("f3,ctrl+n", "issue_card", "Card", id="customer.issue_card"),
        Binding("f5,ctrl+b", "adjust_points", "Points", id="customer.adjust_points"),
        Binding("f6,ctrl+p", "print_slip", "Slip", id="customer.print_slip"),
        Binding("f3,ctrl+n", "deposit", "Deposit", id="customer.deposit"),
        Binding("escape", "back", "Back", id="customer.back"),
    ]

    def __init__(self, customer_id: str, *, attaching: bool = False) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.attaching = attaching
        self.customer: Customer | None = None
        self.shown_sales: list[SaleSummary] = []
        self.older_sales: list[SaleSummary] = []
        """Fetched from the server (F5 on the History tab), below this till's own list."""
        self.older_from: HistoryPlace | None = None
        """Where the next page of older sales starts; None: from the start, or none left."""
        self.older_all_fetched = False
        self.fetching_older = False
        self.history_scope = HistoryScope(sync_enabled=False)
        """What the history shown covers; read again each time it is shown."""
        self._invoices = InvoiceAsk(self, show=self.say, done=self._invoiced)

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with TabbedContent(id="customer-tabs"):
            with TabPane(_("Main"), id="tab-main"), Horizontal():
                yield Static(id="customer-main")
                yield Static(id="customer-figures")
            with TabPane(_("Addresses"), id="tab-addresses"):
                yield Static(id="customer-addresses")
                yield DataTable(id="customer-extra-addresses", cursor_type="row")
            with TabPane(_("Details"), id="tab-details"), VerticalScroll():
                yield Static(id="customer-details")
            with TabPane(_("Loyalty"), id="tab-loyalty"):
                yield Static(id="customer-loyalty")
                yield DataTable(id="customer-points", cursor_type="row", zebra_stripes=True)
            with TabPane(_("History"), id="tab-history"):
                with Horizontal(id="history-filters"):
                    for name, label in HISTORY_FILTERS:
                        yield Input(placeholder=_(label), id=f"history-{name}")
                yield Static(id="history-scope")
                yield DataTable(id="customer-sales", cursor_type="row", zebra_stripes=True)
            with TabPane(_("Account"), id="tab-account"):
                yield AccountPanel(id="customer-account-panel")
            with TabPane(_("Campaigns"), id="tab-campaigns"):
                yield CampaignsPanel(id="customer-campaigns-panel")
            with TabPane(_("Changes"), id="tab-changes"):
                yield DataTable(id="customer-audit", cursor_type="row", zebra_stripes=True)
        yield Static(id="customer-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        sales = self.query_one("#customer-sales", DataTable)
        for label, width in (
            (N_("Receipt"), 9),
            (N_("Date"), 16),
            (N_("Till"), 4),
            (N_("Store"), 8),
            (N_("Seller"), 6),
            (N_("Qty"), 3),
            (N_("Total"), 10),
            (N_("Paid by"), 7),
        ):  # 63 cells and a cell of padding either side of each: within 80 columns
            sales.add_column(Text(_(label)), width=width)
        extra = self.query_one("#customer-extra-addresses", DataTable)
        extra.add_column(Text(_("Kind")), width=12)
        extra.add_column(Text(_("Address")), width=60)
        points = self.query_one("#customer-points", DataTable)
        for label, width in (
            (N_("When"), 16),
            (N_("What"), 7),
            (N_("Points"), 6),
            (N_("Receipt"), 9),
            (N_("Why"), 16),
            (N_("Who"), 10),
        ):
            points.add_column(Text(_(label)), width=width)
        changes = self.query_one("#customer-audit", DataTable)
        for label, width in (
            (N_("When"), 16),
            (N_("Who"), 10),
            (N_("What"), 8),
            (N_("Field"), 12),
            (N_("Old"), 10),
            (N_("New"), 10),
        ):
            changes.add_column(Text(_(label)), width=width)
        self.load()
        self.query_one("#customer-tabs Tabs").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "attach":
            return self.attaching
        tab = self.query_one(TabbedContent).active
        if action == "open_sale":
            return tab == "tab-history"
        if action == "invoice":
            return tab == "tab-history" and bool(self.shown_sales)
        if action == "older_history":
            return tab == "tab-history" and self.history_scope.can_fetch
        if action == "add_address":
            return tab == "tab-addresses"
        if action in ("edit_address", "remove_address"):
            return tab == "tab-addresses" and bool(self.customer and self.customer.addresses)
        if action in ("issue_card", "adjust_points", "print_slip"):
            return tab == "tab-loyalty"
        if action == "deposit":
            return tab == "tab-account"
        if action in ("toggle_active", "delete"):
            return tab in FILE_TABS  # the other tabs' own keys need the footer's room
        return True

    # --- showing --------------------------------------------------------------------------

    def load(self) -> None:
        service = self.app.register.customers
        customer = self.customer = service.get(self.customer_id)
        state = "" if customer.active else "  " + _("INACTIVE")
        self.query_one("#status", Static).update(
            plain(f"{customer.code}  {customer.display_name}{state}")
        )
        formats = self.app.register.formats
        self.query_one("#customer-main", Static).update(_fields(customer, MAIN_FIELDS, formats))
        self.query_one("#customer-figures", Static).update(self._figures(customer))
        self.query_one("#customer-addresses", Static).update(self._addresses(customer))
        self.query_one("#customer-details", Static).update(
            _fields(customer, DETAIL_FIELDS, formats)
        )
        self.show_loyalty(customer)
        self.show_account(customer)
        self.show_history()
        self._read_campaigns(customer.id)
        self.show_changes()

    @work(thread=True, exclusive=True, group="campaigns", exit_on_error=False)
    def _read_campaigns(self, customer_id: str) -> None:
        """The Campaigns tab, read off the event loop."""
        try:
            received = self.app.register.campaigns.received(customer_id)
        except TillError as error:
            self.app.call_from_thread(self.say, str(error))
        else:
            self.app.call_from_thread(self._show_campaigns, received)

    def _show_campaigns(self, received: list[Received]) -> None:
        if self.is_mounted:  # not left meanwhile
            register = self.app.register
            self.query_one(CampaignsPanel).show(received, register.formats, register.money)

    def show_account(self, customer: Customer) -> None:
        self.query_one(AccountPanel).show(
            self.app.register.accounts,
            self.app.register.money,
            customer.id,
            business=customer.kind is CustomerKind.BUSINESS,
            invoices=self.app.register.invoices,
            formats=self.app.register.formats,
        )

    def _figures(self, customer: Customer) -> Text:
        stats = self.app.register.customers.stats(customer.id)
        money, formats = self.app.register.money, self.app.register.formats
        figures = [
            (_("Sales"), str(stats.sale_count)),
            (_("Total spent"), money(stats.total_spent)),
            (_("Average basket"), money(stats.average_basket)),
            (
                _("Last purchase"),
                formats.date(stats.last_purchase) if stats.last_purchase else _("never"),
            ),
            (
                _("Visits every"),
                plural(round(stats.days_between_visits), "{n} day", "{n} days")
                if stats.days_between_visits is not None
                else "-",
            ),
            (
                _("Favourites"),
                ", ".join(f"{name} ×{qty}" for name, qty in stats.favourite_products) or "-",
            ),
            (_("Subscription"), self._subscription_summary(customer)),
        ]
        consent_lines = [
            (
                _(LABELS[name]),
                _shown(getattr(customer, name))
                + (
                    f" ({formats.date(getattr(customer, name + '_at'))})"
                    if getattr(customer, name + "_at")
                    else ""
                ),
            )
            for name in ("consent_post", "consent_email", "consent_sms")
        ]
        if customer.preferred_channel:
            field = "preferred_channel"
            channel = _shown(customer.preferred_channel, field)
            if channel_without_consent(customer):
                channel = _("{channel} (no consent)").format(channel=channel)
            consent_lines.append((_(LABELS[field]), channel))
        return _pairs(figures + consent_lines)

    def _subscription_summary(self, customer: Customer) -> str:
        from till.subscription_words import standing_summary

        standing = self.app.register.subscriptions.standing(customer.id)
        return standing_summary(standing, self.app.register.formats, date.today())

    def _addresses(self, customer: Customer) -> Text:
        main = _join(
            customer.address1,
            customer.address2,
            customer.address3,
            customer.postcode,
            customer.city,
            customer.country,
        )
        table = self.query_one("#customer-extra-addresses", DataTable)
        table.clear()
        for a in customer.addresses:
            table.add_row(
                plain(a.kind.capitalize()),
                plain(_join(a.line1, a.line2, a.line3, a.postcode, a.city, a.country)),
            )
        said = _("Main address (edit with {key}): {address}").format(
            key=key_hint(self.app, "customer.edit"), address=main or "-"
        )
        return plain(said + "\n" + _("Other addresses:"))

    def show_loyalty(self, customer: Customer) -> None:
        service = self.app.register.loyalty
        summary = service.summary(customer.id)
        program = service.program
        value = self.app.register.money(summary.balance * program.point_value)
        spend = (
            _("can be spent")
            if service.can_spend(summary.balance)
            else _("spendable from {threshold}").format(threshold=program.threshold)
        )
        card = customer.card_number or _("none ({key} issues one)").format(
            key=key_hint(self.app, "customer.issue_card")
        )
        lines = [_("Card: {card}").format(card=card)]
        overdrawn = service.overdrawn(customer.id) if summary.balance < 0 else None
        if overdrawn is None:
            lines.append(
                plural(
                    summary.balance,
                    "Balance: {n} point, worth {value} ({spend})",
                    "Balance: {n} points, worth {value} ({spend})",
                    value=value,
                    spend=spend,
                )
            )
        else:
            lines += _overdraft_lines(
                overdrawn,
                self.app.register.formats,
                key_hint(self.app, "customer.adjust_points"),
            )
        if summary.next_expiry_points:
            lines.append(
                plural(
                    summary.next_expiry_points,
                    "Next expiry: {n} point on {date}",
                    "Next expiry: {n} points on {date}",
                    date=self.app.register.formats.date(summary.next_expiry),
                )
            )
        lines += self._subscription_lines(customer)
        self.query_one("#customer-loyalty", Static).update(plain("\n".join(lines)))
        table = self.query_one("#customer-points", DataTable)
        table.clear()
        for move in service.history(customer.id):
            table.add_row(
                self.app.register.formats.date_time(move.at),
                plain(move.kind),
                Text(f"{move.points:+d}", justify="right"),
                plain(move.receipt_code),
                plain(reason_words(move.reason)),
                plain(move.actor),
            )

    def _subscription_lines(self, customer: Customer) -> list[str]:
        """The card that holds today and the latest purchases (docs/subscriptions.md)."""
        from till.subscription_words import standing_lines

        standing = self.app.register.subscriptions.standing(customer.id)
        return ["", *standing_lines(standing, self.app.register.formats, date.today())]

    def action_issue_card(self) -> None:
        if self.customer is None:
            return
        customer = self.customer

        def issue(yes: bool | None) -> None:
            if yes:
                self.start_write(
                    self.app.register.loyalty.issue_card, customer.id, show=self.say, done=issued
                )

        def issued(number: str) -> None:
            self.load()
            self.say(
                _("Card {number} issued.").format(number=number)
                + (" " + _("The old card is blocked.") if customer.card_number else "")
            )

        if customer.card_number:
            self.app.push_screen(
                ConfirmScreen(
                    _("Replace card {number}? It will be blocked.").format(
                        number=customer.card_number
                    )
                ),
                issue,
            )
        else:
            issue(True)

    def action_adjust_points(self) -> None:
        from till.core.people import Permission
        from till.screens.manager import AdjustPointsScreen, with_approval

        if self.customer is None:
            return
        register = self.app.register
        if not register.session.may(Permission.ADJUST_POINTS) and not register.people.can_approve:
            from till.core.pin import NO_MANAGER_PIN  # said before anything is typed

            self.say(_(NO_MANAGER_PIN))
            return
        customer = self.customer
        balance = self.app.register.loyalty.summary(customer.id).balance

        def approved(points: int, reason: str, approver: Actor | None) -> None:
            self.start_write(
                self.app.register.loyalty.adjust,
                customer.id,
                points,
                reason,
                approver,
                show=self.say,
                done=lambda new_balance: adjusted(points, reason, new_balance),
            )

        def adjusted(points: int, reason: str, new_balance: int) -> None:
            self.load()
            self.say(
                _("{points:+d} points ({reason}). Balance {balance}.").format(
                    points=points, reason=reason, balance=new_balance
                )
            )

        def asked(answer: tuple[int, str] | None) -> None:
            if answer is not None:
                points, reason = answer
                what = _("{points:+d} points for {code} {name}: {reason}").format(
                    points=points, code=customer.code, name=customer.display_name, reason=reason
                )
                with_approval(
                    self.app,
                    what,
                    Permission.ADJUST_POINTS,
                    lambda approver: approved(points, reason, approver),
                    lambda: self.say(_("Points not adjusted: no manager approval.")),
                )

        self.app.push_screen(AdjustPointsScreen(f"{customer.code}", balance), asked)

    def action_print_slip(self) -> None:
        if self.customer is not None:
            customer = self.customer
            document = self.app.register.loyalty.slip(
                customer.display_name, customer.card_number, customer.id
            )
            self.app.print_document(document)
            self.say(_("Balance slip sent to the printer."))

    def action_deposit(self) -> None:
        if self.customer is None:
            return
        customer = self.customer
        accounts, money = self.app.register.accounts, self.app.register.money

        def take(deposit: tuple[int, str] | None) -> None:
            if deposit is None:
                return
            amount, method = deposit
            self.start_write(
                accounts.deposit,
                customer.id,
                amount,
                method,
                show=self.say,
                done=lambda balance: deposited(amount, method, balance),
            )

        def deposited(amount: int, method: str, balance: int) -> None:
            if method == "cash":  # the money goes in the drawer, as for a cash sale
                self.app.open_drawer()
            self.load()
            how = _(DEPOSIT_METHODS.get(method, method))
            self.say(
                _("Deposit of {amount} by {method}.").format(amount=money(amount), method=how)
                + f" {balance_words(balance, money)}."
            )

        now = balance_words(accounts.balance(customer.id), money)
        self.app.push_screen(
            DepositScreen(f"{customer.code} {customer.display_name}", now, money.precision), take
        )

    def show_history(self) -> None:
        values = {
            name: self.query_one(f"#history-{name}", Input).value for name, _ in HISTORY_FILTERS
        }
        service = self.app.register.customers
        sales = service.history(self.customer_id, HistoryFilter(**values))
        if not any(value.strip() for value in values.values()):  # the server's are unfiltered
            shown = {sale.sale_id for sale in sales}
            sales += [sale for sale in self.older_sales if sale.sale_id not in shown]
        money, formats = self.app.register.money, self.app.register.formats
        table = self.query_one("#customer-sales", DataTable)
        table.clear()
        self.shown_sales = sales
        for sale in sales:
            table.add_row(
                Text(sale.receipt_code),
                formats.date_time(sale.created_at),
                _("here") if sale.on_this_till else f"{sale.till_no:02d}",
                plain(sale.store),
                plain(sale.seller),
                str(sale.item_count),
                Text(money(sale.total), justify="right"),
                plain(sale.methods),
            )
        self.history_scope = service.history_scope()
        notice = history_notice(self.history_scope, self._sync_time)
        self.query_one("#history-scope", Static).update(plain(notice))
        self.refresh_bindings()  # the invoice key: offered when a sale is listed

    def _sync_time(self, epoch: int) -> str:
        """A sync time: the time alone today, else the date and time."""
        moment = datetime.fromtimestamp(epoch, UTC)
        formats = self.app.register.formats
        same_day = moment.astimezone().date() == datetime.now().astimezone().date()
        return formats.time(moment) if same_day else formats.date_time(moment)

    def action_older_history(self) -> None:
        filtered = any(
            self.query_one(f"#history-{name}", Input).value.strip() for name, _ in HISTORY_FILTERS
        )
        if filtered:
            self.say(_("Clear the filters to fetch older sales from the server."))
        elif self.older_all_fetched:
            self.say(_("The server has no older sales for this customer."))
        elif not self.fetching_older:
            self.fetching_older = True
            self.say(_("Asking the server for older sales…"))
            self._fetch_older(self.older_from)

    @work(thread=True, exclusive=True, group="older-history", exit_on_error=False)
    def _fetch_older(self, place: HistoryPlace | None) -> None:
        try:
            older = self.app.register.customers.older_history(self.customer_id, place)
        except TillError as error:  # offline, or refused: the cashier reads why
            self.app.call_from_thread(self._older_failed, error)
        else:
            self.app.call_from_thread(self._older_arrived, older)

    def _older_arrived(self, older: OlderSales) -> None:
        self.fetching_older = False
        self.older_sales += older.sales
        self.older_from = older.next
        self.older_all_fetched = older.next is None
        self.show_history()
        more = (
            _("{key}: more.").format(key=key_hint(self.app, "customer.older_history"))
            if older.next
            else _("That is all.")
        )
        found = plural(
            len(older.sales), "{n} older sale from the server.", "{n} older sales from the server."
        )
        self.say(f"{found} {more}")

    def _older_failed(self, error: TillError) -> None:
        self.fetching_older = False
        self.say(_("Older sales need the server: {error}").format(error=error))

    def show_changes(self) -> None:
        table = self.query_one("#customer-audit", DataTable)
        table.clear()
        for entry in self.app.register.customers.audit(self.customer_id):
            table.add_row(
                self.app.register.formats.date_time(entry.at),
                plain(entry.actor),
                plain(entry.action),
                plain(_(LABELS[entry.field]) if entry.field in LABELS else entry.field),
                plain(value_words(entry.old_value)),
                plain(value_words(entry.new_value)),
            )

    @on(Input.Changed)
    def history_filter_changed(self) -> None:
        self.show_history()

    @on(TabbedContent.TabActivated)
    def tab_changed(self) -> None:
        self.refresh_bindings()

    def say(self, text: str) -> None:
        self.query_one("#customer-message", Static).update(plain(text))

    # --- actions --------------------------------------------------------------------------

    def action_attach(self) -> None:
        if self.customer is None:
            return
        if self.write_pending:  # the file may be changing (deactivated, deleted)
            self.say(_(STILL_SAVING))
            return
        if not self.customer.active:
            self.say(
                _("An inactive customer cannot be attached: reactivate it first ({key}).").format(
                    key=key_hint(self.app, "customer.active")
                )
            )
            return
        self.dismiss(self.app.register.customers.for_sale(self.customer))

    def action_edit(self) -> None:
        from till.screens.customer_form import CustomerFormScreen

        if self.customer is not None:
            self.app.push_screen(CustomerFormScreen(self.customer), lambda _: self.load())

    def action_toggle_active(self) -> None:
        if self.customer is None:
            return
        active, code = not self.customer.active, self.customer.code

        def changed(customer: Customer) -> None:
            said = _("{code} is active again.") if active else _("{code} is now inactive.")
            self.say(said.format(code=code))
            self.load()

        self.start_write(
            self.app.register.customers.set_active,
            self.customer_id,
            active,
            show=self.say,
            done=changed,
        )

    def action_delete(self) -> None:
        if self.customer is None:
            return

        from till.core.people import Permission
        from till.screens.manager import with_approval

        def answer(yes: bool | None) -> None:
            if yes:
                with_approval(self.app, _("Delete this customer"), Permission.DELETE, delete)

        def delete(approver: Actor | None) -> None:
            self.start_write(
                self.app.register.customers.delete,
                self.customer_id,
                approver,
                show=self.say,
                done=deleted,
            )

        def deleted(answer: tuple[str, str]) -> None:
            outcome, message = answer
            self.app.notify(
                message,
                severity="warning" if outcome == "deactivated" else "information",
                markup=False,
            )
            if outcome == "deleted":
                self.dismiss(None)
            else:
                self.load()
                self.say(message)

        self.app.push_screen(
            ConfirmScreen(
                _("Delete {code} {name}?").format(
                    code=self.customer.code, name=self.customer.display_name
                )
            ),
            answer,
        )

    def _selected_address(self) -> Address | None:
        if self.customer is None or not self.customer.addresses:
            return None
        table = self.query_one("#customer-extra-addresses", DataTable)
        return self.customer.addresses[min(table.cursor_row, len(self.customer.addresses) - 1)]

    def action_add_address(self) -> None:
        self._edit_address(None)

    def action_edit_address(self) -> None:
        address = self._selected_address()
        if address is not None:
            self._edit_address(address)

    def _edit_address(self, address: Address | None) -> None:
        from till.screens.address import AddressScreen

        def save(edited: Address | None) -> None:
            if edited is not None:
                self.start_write(
                    self.app.register.customers.save_address,
                    self.customer_id,
                    edited,
                    show=self.say,
                    done=lambda _: saved(edited),
                )

        def saved(edited: Address) -> None:
            self.load()
            self.say(_("{kind} address saved.").format(kind=edited.kind.capitalize()))

        self.app.push_screen(AddressScreen(address), save)

    def action_remove_address(self) -> None:
        address = self._selected_address()
        if address is None:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.start_write(
                    self.app.register.customers.remove_address,
                    self.customer_id,
                    address.id,
                    show=self.say,
                    done=removed,
                )

        def removed(nothing: None) -> None:
            self.load()
            self.say(_("{kind} address removed.").format(kind=address.kind.capitalize()))

        self.app.push_screen(
            ConfirmScreen(_("Remove the {kind} address?").format(kind=address.kind)), answer
        )

    def action_open_sale(self) -> None:
        from till.screens.receipt import ReceiptScreen

        table = self.query_one("#customer-sales", DataTable)
        if self.shown_sales:
            sale = self.shown_sales[min(table.cursor_row, len(self.shown_sales) - 1)]
            if not sale.on_this_till:
                self.say(
                    _(
                        "Receipt {code} was made on till {till:02d}: it is printed from there."
                    ).format(code=sale.receipt_code, till=sale.till_no)
                )
                return
            self.app.push_screen(ReceiptScreen(self.app.register.sale(sale.receipt_code)))

    def action_invoice(self) -> None:
        """The highlighted sale's invoice (a credit note for a refund), issued or shown again,
        its PDF written where the receipt screen's key writes it."""
        table = self.query_one("#customer-sales", DataTable)
        if not self.shown_sales:
            return
        sale = self.shown_sales[min(table.cursor_row, len(self.shown_sales) - 1)]
        if not sale.on_this_till:
            self.say(
                _("Receipt {code} was made on till {till:02d}: it is invoiced there.").format(
                    code=sale.receipt_code, till=sale.till_no
                )
            )
            return
        self._invoices.ask(sale.receipt_code)

    def _invoiced(self, written: Written) -> None:
        self.say(issued_words(written, self.app.register.money))
        if self.customer is not None:  # an invoice left to pay is due on the account
            self.show_account(self.customer)

    def action_back(self) -> None:
        if self.write_pending:  # a change is being saved: its outcome is told here
            self.say(_(STILL_SAVING))
            return
        self.dismiss(None)


def _overdraft_lines(overdrawn: Overdrawn, formats: Formats, adjust_key: str) -> list[str]:
    """A points overdraft in words: not a balance, and nothing can be spent until it is paid."""
    if overdrawn.after_sync:
        head = plural(
            overdrawn.by,
            "Overdrawn by {n} point after tills synced: spent on two tills before they synced",
            "Overdrawn by {n} points after tills synced: spent on two tills before they synced",
        )
    else:
        head = plural(
            overdrawn.by,
            "Overdrawn by {n} point: a return took back points already spent",
            "Overdrawn by {n} points: a return took back points already spent",
        )
    spends = "; ".join(
        plural(
            -entry.value,
            "{n} point by {till}, {when}",
            "{n} points by {till}, {when}",
            till=entry.till,
            when=formats.date_time(entry.at),
        )
        for entry in overdrawn.entries
    )
    return [
        f"{head}{f' ({spends})' if spends else ''}.",
        _(
            "No points can be spent until it is paid off: the next points earned pay it off, or a"
            " manager adjusts it ({key})."
        ).format(key=adjust_key),
    ]


def _join(*parts: str) -> str:
    return ", ".join(part for part in parts if part)


PHONE_FIELDS = ("mobile", "landline")


def _fields(customer: Customer, names: tuple[str, ...], formats: Formats) -> Text:
    def value(name: str) -> str:
        stored = getattr(customer, name)
        if name in PHONE_FIELDS:
            return formats.phone(stored)
        return formats.date(stored) if name in DATE_FIELDS else _shown(stored, name)

    return _pairs(
        [
            (_(LABELS[name]) if name in LABELS else name, value(name))
            for name in names
            if getattr(customer, name) not in ("", (), {}, None)
        ]
    )


def _shown(value: object, name: str = "") -> str:
    """A stored value as the screen writes it: yes and no, and the customer's kind, in the
    till's language; anything else (typed by people) as it is."""
    if isinstance(value, bool):
        return pgettext("field value", "yes") if value else pgettext("field value", "no")
    if name == "kind" and value == CustomerKind.INDIVIDUAL:
        return pgettext("customer kind", "individual")
    if name == "kind" and value == CustomerKind.BUSINESS:
        return pgettext("customer kind", "business")
    if (words := worded_choice(name, value)) is not None:
        return _(words)
    if name == "payment_terms":
        return terms_words(str(value))
    return shown(value)


def _pairs(pairs: list[tuple[str, str]]) -> Text:
    text = Text()
    for label, value in pairs:
        text.append(_("{label}: ").format(label=label), style="bold")  # "Nom : " in French
        text.append(plain(f"{value}\n"))
    return text
