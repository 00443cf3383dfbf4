"""The loyalty operations the screens and the CLI call: cards, balance, history, adjustments
(after a manager's PIN), expiry and the balance slip."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from pathlib import Path

from devices.printer.receipt import ReceiptDocument
from devices.printer.slip import BalanceSlip, build_balance_slip
from storage import loyalty, offline_balance
from storage.loyalty import LoyaltySummary, Movement
from till.config import Settings
from till.core.formats import for_print, formats_for
from till.core.loyalty import LoyaltyProgram, spendable_points
from till.core.money import MoneyFormat
from till.core.offline import Overdrawn, overdraft
from till.core.pin import PinGate
from till.offline_limit import SpendLimit, SyncStanding

log = logging.getLogger(__name__)


class LoyaltyService:
    """One till's view of the loyalty program."""

    def __init__(self, settings: Settings, money: MoneyFormat, actor: str) -> None:
        self.settings = settings
        self.program: LoyaltyProgram = settings.loyalty.program
        self.money = money
        self.actor = actor
        self.lock_file = Path(settings.database.path).with_suffix(".pin-lock")
        """Where failed PINs are counted, so that neither a restart nor each CLI call resets
        the lockout."""
        self.standing = SyncStanding(settings.sync, formats_for(settings.locale.locale))

    @property
    def has_manager_pin(self) -> bool:
        """Whether a manager PIN is configured: without one, nothing it guards can be done."""
        return bool(self.settings.security.manager_pin)

    def approve(self, pin: str) -> tuple[bool, str]:
        gate = PinGate(self.settings.security.manager_pin, state=self._lock_state())
        answer = gate.check(pin, time.time())
        self._save_lock_state(gate.state)
        return answer

    def _lock_state(self) -> tuple[int, float]:
        try:
            failures, locked_until = json.loads(self.lock_file.read_text())
            return int(failures), float(locked_until)
        except (OSError, ValueError, TypeError):
            return 0, 0.0

    def _save_lock_state(self, state: tuple[int, float]) -> None:
        try:
            self.lock_file.write_text(json.dumps(list(state)))
        except OSError:
            log.warning("cannot record failed manager PINs in %s", self.lock_file)

    def issue_card(self, customer_id: str) -> str:
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

    def adjust(self, customer_id: str, points: int, reason: str) -> int:
        """Add or remove points; call only once a manager approved (``approve``)."""
        return loyalty.adjust_points(customer_id, points, reason, actor=f"manager, at {self.actor}")

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
        return build_balance_slip(slip, self.settings.printer.width)
