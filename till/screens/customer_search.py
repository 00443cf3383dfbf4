"""Find a customer as you type, with filters; attach, view, quick-add or go back to walk-in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from till.core.customer import format_phone
from till.core.customer_lookup import CustomerFilter, CustomerSummary
from till.core.sale import WALK_IN, SaleCustomer
from till.i18n import N_, NC_, _, plural
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.line_table import Cells, Column, LineTable
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor

STATUSES = ("active", "inactive", "all")
KINDS = ("", "individual", "business")
ANY = N_("any")
FILTER_WORDS = {
    "active": N_("active"),
    "inactive": N_("inactive"),
    "all": N_("all"),
    "individual": N_("individual"),
    "business": N_("business"),
    "": ANY,
}
"""How the status and type filters read on screen (their values are codes)."""
PAGE_SIZE = 50
"""Customers read at a time; nothing typed lists everyone, a page more past the last loaded."""
COLUMNS: tuple[Column, ...] = (
    (N_("Code"), 10, "left"),
    (N_("Name"), 21, "left"),
    (N_("Company"), 12, "left"),
    (N_("City"), 9, "left"),
    (N_("Phone / e-mail"), 14, "left"),
)


class CustomerSearchScreen(TranslatedBindings, Screen[SaleCustomer | None]):
    """Dismisses with the customer to attach, or None to leave the sale as it was."""

    app: TillApp

    FOOTER_CONTEXT = "customer search footer"
    """Nine keys share 80 columns: some words are shorter here than on other screens."""
    _SHORT_WORDS = (
        NC_("customer search footer", "Use"),
        NC_("customer search footer", "New"),
        NC_("customer search footer", "View"),
        NC_("customer search footer", "Status"),
        NC_("customer search footer", "Segment"),
        NC_("customer search footer", "Walk-in"),
    )

    BINDINGS = [
        Binding("enter", "attach", "Use", id="customers.attach", priority=True),
        Binding("f3,ctrl+n", "quick_add", "New", id="customers.new"),
        Binding("f4,ctrl+o", "view", "View", id="customers.view"),
        Binding("f5,ctrl+b", "cycle_status", "Status", id="customers.status"),
        Binding("f6,ctrl+t", "cycle_kind", "Type", id="customers.kind"),
        Binding("f7,ctrl+r", "cycle_segment", "Segment", id="customers.segment"),
        Binding("f9,ctrl+g", "walk_in", "Walk-in", id="customers.walk_in"),
        Binding("f8,ctrl+f", "tools", "Mgr", id="customers.tools"),
        Binding("escape", "back", "Back", id="customers.back"),
        Binding("up", "move(-1)", show=False, id="customers.up"),
        Binding("down", "move(1)", show=False, id="customers.down"),
        Binding("pageup", "page(-1)", show=False, id="customers.page_up"),
        Binding("pagedown", "page(1)", show=False, id="customers.page_down"),
    ]

    def __init__(self, query: str = "", *, attaching: bool = True) -> None:
        super().__init__()
        self.initial_query = query
        self.attaching = attaching
        self.filters = CustomerFilter()
        self.results: list[CustomerSummary] = []
        self.total: int | None = None
        """Everyone the filters allow while nothing is typed (then listed a page at a time)."""
        self._counts: dict[CustomerFilter, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(_("Customers"), id="status")
        yield Input(
            self.initial_query,
            placeholder=_("Name, code, card, phone, e-mail or company"),
            id="customer-query",
        )
        yield Static(id="customer-filters", classes="hint")
        yield LineTable(COLUMNS, id="customer-results")
        yield Static(id="customer-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#customer-query", Input).focus()
        self.refresh_results()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_results()

    def refresh_results(self) -> None:
        """Run the search for what is typed now and show it; nothing typed lists everyone,
        a page at a time."""
        query = self.query_one("#customer-query", Input).value
        customers = self.app.register.customers
        if query.strip():
            self.total = None
            self.results = customers.search(query, self.filters, limit=PAGE_SIZE)
        else:
            if self.filters not in self._counts:  # 0.1 s at a million customers: once per filter
                self._counts[self.filters] = customers.count(self.filters)
            self.total = self._counts[self.filters]
            self.results = customers.everyone(self.filters, 0, PAGE_SIZE)
        table = self.query_one("#customer-results", LineTable)
        table.set_rows(self._rows(self.results), selected=0)
        self._show_count()

    def _rows(self, found: list[CustomerSummary]) -> list[Cells]:
        region = self.app.register.customers.region
        return [
            (
                c.code,
                c.name + ("" if c.active else " " + _("(inactive)")),
                c.company,
                c.city,
                format_phone(c.mobile, region) or c.email,
            )
            for c in found
        ]

    def _load_more(self) -> None:
        """Everyone is listed: read the next page once the cursor goes past the last loaded."""
        if self.total is None or len(self.results) >= self.total:
            return
        first = len(self.results)
        more = self.app.register.customers.everyone(self.filters, first, PAGE_SIZE)
        self.results.extend(more)
        self.query_one("#customer-results", LineTable).set_rows(self._rows(more), first)
        self._show_count()

    def _show_count(self) -> None:
        shown = len(self.results)
        if self.total is not None:
            count = _("{shown} of {total} shown").format(shown=shown, total=self.total)
            if shown < self.total:
                more = key_hint(self.app, "customers.page_down")
                count += " " + _("({key} for more)").format(key=more)
        elif shown >= PAGE_SIZE:
            count = _("first {shown} found: type more to narrow").format(shown=shown)
        else:
            count = plural(shown, "{n} found", "{n} found")
        f = self.filters
        kind = _(FILTER_WORDS[f.kind])
        segment = f.segment or _(ANY)
        filters = _("type: {kind} · segment: {segment}").format(kind=kind, segment=segment)
        self.query_one("#customer-filters", Static).update(
            plain(f"{count} · {_(FILTER_WORDS[f.status])} · {filters}")
        )

    def selected(self) -> CustomerSummary | None:
        table = self.query_one("#customer-results", LineTable)
        if not self.results:
            self.say(
                _("No customer selected: type to search, or {key} to add one.").format(
                    key=key_hint(self.app, "customers.new")
                )
            )
            return None
        return self.results[min(table.cursor_row, len(self.results) - 1)]

    def say(self, text: str) -> None:
        self.query_one("#customer-message", Static).update(plain(text))

    def action_move(self, step: int) -> None:
        self._move_to(self.query_one("#customer-results", LineTable).cursor_row + step)

    def action_page(self, pages: int) -> None:
        table = self.query_one("#customer-results", LineTable)
        self._move_to(table.cursor_row + pages * table.rows_in_view)

    def _move_to(self, row: int) -> None:
        if row >= len(self.results):
            self._load_more()
        self.query_one("#customer-results", LineTable).move_cursor(row=row)

    def action_attach(self) -> None:
        found = self.selected()
        if found is None:
            return
        if not found.active:
            self.say(
                _("{code} is inactive: reactivate it from its file ({key}) first.").format(
                    code=found.code, key=key_hint(self.app, "customers.view")
                )
            )
            return
        if self.attaching:
            self.dismiss(self.app.register.customers.summary_for_sale(found))
        else:
            self.action_view()

    def action_view(self) -> None:
        from till.screens.customer_view import CustomerViewScreen

        found = self.selected()
        if found is not None:
            self.app.push_screen(
                CustomerViewScreen(found.id, attaching=self.attaching), self._from_view
            )

    def _from_view(self, attach: SaleCustomer | None) -> None:
        if attach is not None:
            self.dismiss(attach)
        else:
            self._counts.clear()  # the file may have been changed, deactivated or deleted
            self.refresh_results()

    def action_quick_add(self) -> None:
        from till.screens.quick_add import QuickAddScreen

        def added(customer: SaleCustomer | None) -> None:
            if customer is not None and self.attaching:
                self.dismiss(customer)
            else:
                self._counts.clear()
                self.refresh_results()

        query = self.query_one("#customer-query", Input).value
        self.app.push_screen(QuickAddScreen(query), added)

    def action_cycle_status(self) -> None:
        self._filter(status=STATUSES[(STATUSES.index(self.filters.status) + 1) % len(STATUSES)])

    def action_cycle_kind(self) -> None:
        self._filter(kind=KINDS[(KINDS.index(self.filters.kind) + 1) % len(KINDS)])

    def action_cycle_segment(self) -> None:
        segments = ["", *self.app.register.customers.list_values("segment")]
        current = segments.index(self.filters.segment) if self.filters.segment in segments else 0
        self._filter(segment=segments[(current + 1) % len(segments)])

    def _filter(self, **changes: str) -> None:
        values = {**self.filters.__dict__, **changes}
        self.filters = CustomerFilter(**values)
        self.refresh_results()

    def action_tools(self) -> None:
        """The manager's tools for the whole file (duplicates and merge, import)."""
        from till.core.people import Permission
        from till.screens.duplicates import DuplicatesScreen
        from till.screens.manager import with_approval

        def approved(approver: Actor | None) -> None:
            self.app.push_screen(DuplicatesScreen(approver), lambda _: self._refresh_all())

        with_approval(
            self.app, _("Duplicates, merges and imports"), Permission.MERGE_CUSTOMERS, approved
        )

    def _refresh_all(self) -> None:
        self._counts.clear()
        self.refresh_results()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No walk-in where no sale is waiting for a customer (the support view)."""
        return self.attaching or action != "walk_in"

    def action_walk_in(self) -> None:
        self.dismiss(WALK_IN)

    def action_back(self) -> None:
        self.dismiss(None)
