"""What merging two customers will do, read before saying yes: the customer kept, the one
merged into it, the fields filled, the cards, addresses, codes and ledgers that move, and the
balances after. F2 keeps the other one instead; F10 merges."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

from till.core.customer import LABELS, shown
from till.core.duplicate_merge import MergePlan
from till.errors import TillError
from till.i18n import _, plural
from till.screens.writes import WritingScreen
from till.widgets.language import TranslatedBindings, key_hint
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor

FILLED_SHOWN = 4
"""Filled fields listed one by one; past that, a count (the dialog stays within 24 lines)."""


class MergeScreen(TranslatedBindings, WritingScreen, ModalScreen[str | None]):
    """Dismisses with what was done (a sentence), or None when nothing was merged."""

    app: TillApp

    BINDINGS = [
        Binding("f10,ctrl+t", "merge", "Merge", id="merge.save"),
        Binding("f2,ctrl+y", "swap", "Keep the other", id="merge.swap"),
        Binding("escape", "cancel", "Cancel", id="merge.cancel"),
    ]

    def __init__(self, keep_id: str, other_id: str, approver: Actor | None) -> None:
        super().__init__()
        self.keep_id, self.other_id = keep_id, other_id
        self.approver = approver
        self.plan: MergePlan | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Merge two customers"), classes="field-label")
            yield Static(id="merge-plan")
            yield Static(id="merge-message")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_plan()

    def say(self, text: str) -> None:
        self.query_one("#merge-message", Static).update(plain(text))

    def show_plan(self) -> None:
        try:
            self.plan = self.app.register.customers.plan_merge(self.keep_id, self.other_id)
        except TillError as error:
            self.plan = None
            self.query_one("#merge-plan", Static).update("")
            self.say(_("These two cannot be merged: {error}").format(error=error))
            return
        self.query_one("#merge-plan", Static).update(plain("\n".join(self.describe(self.plan))))
        self.say(
            _(
                "{merge} merges (it cannot be undone), {swap} keeps the other one,"
                " {cancel} cancels."
            ).format(
                merge=key_hint(self.app, "merge.save"),
                swap=key_hint(self.app, "merge.swap"),
                cancel=key_hint(self.app, "merge.cancel"),
            )
        )

    def describe(self, plan: MergePlan) -> list[str]:
        """The plan in short lines for an 80-column dialog."""
        money = self.app.register.money
        lines = [
            _("Keep:   {code}  {name}").format(code=plan.keep_code, name=plan.keep_name),
            _("Merge:  {code}  {name}").format(code=plan.other_code, name=plan.other_name),
            "        " + _("becomes inactive; its code and cards find the one kept"),
        ]
        if plan.chain:
            lines.append(
                _("Also:   {codes} (merged into it before)").format(codes=", ".join(plan.chain))
            )
        filled = [
            f"{_(LABELS[name]) if name in LABELS else name}: {shown(value)}"
            for name, value in plan.filled.items()
        ]
        if filled:
            lines.append(_("Fills:  {fields}").format(fields="; ".join(filled[:FILLED_SHOWN])))
            if len(filled) > FILLED_SHOWN:
                more = len(filled) - FILLED_SHOWN
                lines.append("        " + plural(more, "and {n} more field", "and {n} more fields"))
        else:
            lines.append(_("Fills:  nothing (the kept file has every field the other has)"))
        moves = []
        if plan.cards_moved:
            moves.append(plural(len(plan.cards_moved), "{n} card", "{n} cards"))
        if plan.addresses_moved or plan.main_address == "extra":
            moves.append(
                plural(
                    len(plan.addresses_moved) + (plan.main_address == "extra"),
                    "{n} address",
                    "{n} addresses",
                )
            )
        if plan.codes_moved:
            moves.append(plural(len(plan.codes_moved), "{n} external code", "{n} external codes"))
        lines.append(
            _("Moves:  {moves}").format(
                moves=", ".join(moves) if moves else _("no card, address or code")
            )
        )
        lines.append(
            plural(plan.loyalty_entries, "Points: {n} entry moves;", "Points: {n} entries move;")
            + " "
            + plural(plan.points_after, "{n} point after", "{n} points after")
        )
        lines.append(
            plural(plan.account_entries, "Account: {n} entry moves;", "Account: {n} entries move;")
            + " "
            + _("balance after {amount}").format(amount=money(plan.account_after))
        )
        lines.append(
            _("Sales:  {count} follow to the kept file; receipts are not changed").format(
                count=plan.sales_following
            )
        )
        return lines

    def action_swap(self) -> None:
        if self.write_pending:
            return
        self.keep_id, self.other_id = self.other_id, self.keep_id
        self.show_plan()

    def action_merge(self) -> None:
        plan = self.plan
        if plan is None:
            self.say(
                _("Nothing to merge: these two cannot be merged ({key} to go back).").format(
                    key=key_hint(self.app, "merge.cancel")
                )
            )
            return

        def merged(result: object) -> None:
            self.dismiss(
                _("{other} merged into {code} {name}.").format(
                    other=plan.other_code, code=plan.keep_code, name=plan.keep_name
                )
            )

        self.start_write(
            self.app.register.customers.merge,
            plan.keep_id,
            plan.other_id,
            self.approver,
            show=self.say,
            done=merged,
        )

    def action_cancel(self) -> None:
        if self.write_pending:
            self.say(_("Merging… a moment: it cannot be stopped half-way."))
            return
        self.dismiss(None)
