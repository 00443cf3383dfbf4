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
from till.core.formats import count
from till.errors import TillError
from till.screens.writes import WritingScreen
from till.widgets.plain import plain

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.people import Actor

FILLED_SHOWN = 4
"""Filled fields listed one by one; past that, a count (the dialog stays within 24 lines)."""


class MergeScreen(WritingScreen, ModalScreen[str | None]):
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
            yield Label("Merge two customers", classes="field-label")
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
            self.say(f"These two cannot be merged: {error}")
            return
        self.query_one("#merge-plan", Static).update(plain("\n".join(self.describe(self.plan))))
        self.say("F10 merges (it cannot be undone), F2 keeps the other one, Esc cancels.")

    def describe(self, plan: MergePlan) -> list[str]:
        """The plan in short lines for an 80-column dialog."""
        money = self.app.register.money
        lines = [
            f"Keep:   {plan.keep_code}  {plan.keep_name}",
            f"Merge:  {plan.other_code}  {plan.other_name}",
            "        becomes inactive; its code and cards find the one kept",
        ]
        if plan.chain:
            lines.append(f"Also:   {', '.join(plan.chain)} (merged into it before)")
        filled = [
            f"{LABELS.get(name, name)}: {shown(value)}" for name, value in plan.filled.items()
        ]
        if filled:
            lines.append("Fills:  " + "; ".join(filled[:FILLED_SHOWN]))
            if len(filled) > FILLED_SHOWN:
                lines.append(f"        and {count(len(filled) - FILLED_SHOWN, 'more field')}")
        else:
            lines.append("Fills:  nothing (the kept file has every field the other has)")
        moves = []
        if plan.cards_moved:
            moves.append(count(len(plan.cards_moved), "card"))
        if plan.addresses_moved or plan.main_address == "extra":
            moves.append(
                count(
                    len(plan.addresses_moved) + (plan.main_address == "extra"),
                    "address",
                    "addresses",
                )
            )
        if plan.codes_moved:
            moves.append(count(len(plan.codes_moved), "external code"))
        lines.append("Moves:  " + (", ".join(moves) if moves else "no card, address or code"))
        lines.append(
            f"Points: {count(plan.loyalty_entries, 'entry', 'entries')} move;"
            f" {count(plan.points_after, 'point')} after"
        )
        lines.append(
            f"Account: {count(plan.account_entries, 'entry', 'entries')} move;"
            f" balance after {money(plan.account_after)}"
        )
        lines.append(
            f"Sales:  {plan.sales_following} follow to the kept file; receipts are not changed"
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
            self.say("Nothing to merge: these two cannot be merged (Esc to go back).")
            return

        def merged(_: object) -> None:
            self.dismiss(f"{plan.other_code} merged into {plan.keep_code} {plan.keep_name}.")

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
            self.say("Merging… a moment: it cannot be stopped half-way.")
            return
        self.dismiss(None)
