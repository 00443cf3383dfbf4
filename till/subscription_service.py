"""Subscription cards (docs/subscriptions.md): the plans this till sells, a customer's cards,
their activation with the sale that sells them and their cancellation with its refund."""

from __future__ import annotations

import threading
from datetime import date
from typing import TYPE_CHECKING

from storage import catalog, subscriptions
from till.core.barcodes import normalise_code
from till.core.people import Actor, Permission, Session
from till.core.subscriptions import Benefit, Period, Plan, Reminder, Standing, reminder
from till.core.text import clean_line

if TYPE_CHECKING:
    from till.config import Settings
    from till.core.sale import Cart, Item, RecordedSale, SaleCustomer

KEPT = 20
"""Sales whose activated card is remembered for the screen."""


class SubscriptionService:
    """One till's view of subscription plans and cards."""

    def __init__(self, settings: Settings, session: Session) -> None:
        self.till_no = settings.till.number
        self.warn_days = settings.subscriptions.warn_days
        self.session = session
        self._lock = threading.Lock()
        self._activated: dict[str, Period] = {}
        """The last card each recent sale activated, by sale id, until the screen asks."""

    # --- plans ------------------------------------------------------------------------

    def plans(self) -> list[Plan]:
        return subscriptions.plans()

    def add_plan(self, plan: Plan, approver: Actor | None = None) -> Plan:
        """Sell ``plan`` under its product (``product_id``: a barcode or a product id); a
        manager may, or ``approver`` does."""
        self.session.authorise(Permission.MANAGER_FUNCTIONS, approver)
        product_id = catalog.lookup(normalise_code(clean_line(plan.product_id))).product_id
        return subscriptions.save_plan(
            Plan(product_id, plan.name, plan.duration, plan.unit, plan.discount_bp, plan.categories)
        )

    def withdraw_plan(self, product: str, approver: Actor | None = None) -> bool:
        """Stop selling the plan of ``product`` (a barcode or product id)."""
        self.session.authorise(Permission.MANAGER_FUNCTIONS, approver)
        return subscriptions.withdraw_plan(
            catalog.lookup(normalise_code(clean_line(product))).product_id
        )

    # --- at the register --------------------------------------------------------------

    def check_item(self, item: Item, customer: SaleCustomer | None) -> None:
        """InvalidSale when ``item`` sells a plan and no customer is attached: said as it
        is scanned, so the sale goes on. With a customer attached nothing can be refused: no
        look-up on the scan."""
        if customer is None:
            subscriptions.check_purchases(subscriptions.purchases([(item.product_id, 1)]), None)

    def check_cart(self, cart: Cart) -> None:
        """InvalidSale when the cart's plans cannot be activated (no customer, too many)."""
        found = subscriptions.purchases((li.item.product_id, li.quantity) for li in cart.lines)
        subscriptions.check_purchases(found, cart.customer.id if cart.customer else None)

    def activate(self, cart: Cart, sale: RecordedSale, today: date | None = None) -> None:
        """Start or renew the plans ``sale`` sold, inside its transaction."""
        found = subscriptions.purchases((li.item.product_id, li.quantity) for li in cart.lines)
        if not found:
            return
        made = subscriptions.activate(
            found,
            customer_id=cart.customer.id if cart.customer else "",
            sale_id=sale.id,
            today=today or date.today(),
            till_no=self.till_no,
            actor=self.session.label,
        )
        with self._lock:  # the writer thread adds, the screen takes
            self._activated[sale.id] = max(made, key=lambda period: period.ends)
            while len(self._activated) > KEPT:
                del self._activated[next(iter(self._activated))]

    def activated_by(self, sale_id: str) -> Period | None:
        """The card the sale ``sale_id`` activated (the one ending last), once: the screen
        says it with the sale."""
        with self._lock:
            return self._activated.pop(sale_id, None)

    def cancel_refunded(self, refund: RecordedSale) -> int:
        """Cancel the cards a refund gives back, inside its transaction."""
        if not refund.refund_of_id:
            return 0
        return subscriptions.cancel_refunded(
            refund.id, refund.refund_of_id, till_no=self.till_no, actor=self.session.label
        )

    # --- a customer's cards -----------------------------------------------------------

    def standing(self, customer_id: str) -> Standing:
        return subscriptions.standing(customer_id)

    def benefits(self, customer_id: str, today: date) -> tuple[Benefit, ...]:
        """What the customer's cards take off a sale on ``today``."""
        return subscriptions.standing(customer_id).benefits(today)

    def reminder(self, customer_id: str, today: date | None = None) -> Reminder | None:
        """What the cashier should hear when the customer is attached, if anything."""
        return reminder(self.standing(customer_id), today or date.today(), self.warn_days)
