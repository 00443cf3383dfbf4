"""The loyalty operations the screens and the CLI call: cards, balance, history, adjustments
(after a manager's PIN), expiry and the balance slip."""

from __future__ import annotations

import logging
from datetime import datetime

from devices.printer.receipt import ReceiptDocument
from devices.printer.slip import BalanceSlip, build_balance_slip
from storage import customers, loyalty, offline_balance
from storage.loyalty import LoyaltySummary, Movement
from till.config import Settings
from till.core.formats import for_print, formats_for
from till.core.loyalty import LoyaltyProgram, spendable_points
from till.core.money import MoneyFormat
from till.core.offline import Overdrawn, overdraft
from till.core.people import Actor, Permission, Session, session_of
from till.i18n import speaking
from till.offline_limit import SpendLimit, SyncStanding

log = logging.getLogger(__name__)


class LoyaltyService:
    """One till's view of the loyalty program."""

    def __init__(self, settings: Settings, money: MoneyFormat, actor: str | Session) -> None:
        self.settings = settings
        self.program: LoyaltyProgram = settings.loyalty.program
        self.money = money
        self.session = session_of(actor)
        self.standing = SyncStanding(settings.sync, formats_for(settings.locale.locale))

    @property
    def actor(self) -> str:
        return self.session.label

    def issue_card(self, customer_id: str) -> str:
        self.session.authorise(Permission.EDIT_CUSTOMERS)
        return loyalty.issue_card(
            customer_id,
            actor=self.actor,
            till_no=self.settings.till.number,
            prefix=self.settings.loyalty.card_prefix,
        )

    def check_card(self, number: str) -> None:
        """Raise BlockedCard, its day as the locale writes it, for a card that was replaced."""
        try:
            loyalty.check_card(number)
        except loyalty.BlockedCard as blocked:
            day = formats_for(self.settings.locale.locale).date(blocked.blocked_at)
            raise loyalty.BlockedCard(blocked.number, blocked.blocked_at, day) from None

    def summary(self, customer_id: str) -> LoyaltySummary:
        return loyalty.summary(customer_id, self.program)

    def history(self, customer_id: str) -> list[Movement]:
        return loyalty.history(customer_id)

    def adjust(
        self, customer_id: str, points: int, reason: str, approver: Actor | None = None
    ) -> int:
        """Add or remove points: the acting user may, or their ``approver`` does."""
        actor = self.session.described(Permission.ADJUST_POINTS, approver)
        return loyalty.adjust_points(customer_id, points, reason, actor=actor)

    def overdrafts(self) -> list[loyalty.Overdraft]:
        return loyalty.overdrafts()

    def can_spend(self, balance: int) -> bool:
        return balance >= self.program.threshold

    def spend_limit(self, customer_id: str) -> SpendLimit:
        """Points the customer may spend now. Online (or with no server), the whole balance
        from the threshold; offline, at most what they had at the last sync less what this
        till spent since, and at most the offline cap, with the reason in words."""
        balance = loyalty.effective_balance(customer_id, self.program)
        full = spendable_points(balance, self.program, online=True)
        if not self.standing.offline():
            return SpendLimit(full)
        held = offline_balance.held_since_sync("loyalty_entry", customer_id, balance)
        points = spendable_points(balance, self.program, online=False, held_at_sync=held)
        if points == full:
            return SpendLimit(points)
        return SpendLimit(
            points,
            f"{self.standing.since_words()}: at most {points} points can be spent until the"
            " till syncs.",
        )

    def overdrawn(self, customer_id: str) -> Overdrawn | None:
        """The customer's points overdraft (spent on two tills before they synced, or taken
        back by a return), or None."""
        return overdraft(offline_balance.entries("loyalty_entry", customer_id))

    def slip(
        self, customer_name: str, card_number: str, customer_id: str, *, with_card: bool = True
    ) -> ReceiptDocument:
        """The balance slip; the kiosk leaves the card's barcode off, since anyone may take
        a slip left in the tray and attach its owner at the till."""
        summary = self.summary(customer_id)
        formats = formats_for(self.settings.locale.locale)
        value = self.money.for_print(summary.balance * self.program.point_value)
        slip = BalanceSlip(
            store_name=self.settings.store.name,
            customer_name=customer_name,
            card_number=card_number if with_card else "",
            balance=summary.balance,
            value=value,
            next_expiry=for_print(formats.date(summary.next_expiry)) if summary.next_expiry else "",
            next_expiry_points=summary.next_expiry_points,
            printed_at=for_print(formats.date_time(datetime.now())),
        )
        with speaking(customers.get_customer(customer_id).language):  # theirs, where known
            return build_balance_slip(slip, self.settings.printer.width)
