"""Coupons on the sale screen (docs/campaigns.md): a coupon scanned or typed in the scan field
is checked and taken, or refused in plain words; when the attached customer has an unused
valid coupon, the message line says so and a key takes it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from till.campaign_words import offer_words
from till.core.coupons import Coupon, Offer
from till.errors import TillError
from till.i18n import _
from till.widgets.language import key_hint

if TYPE_CHECKING:
    from till.app import TillApp
    from till.core.sale import Cart, SaleCustomer


class SaleCoupons:
    """The sale screen's coupon handling (mixed into ``SaleScreen``)."""

    app: TillApp
    cart: Cart
    _waiting_coupon: Coupon | None = None
    """The attached customer's unused coupon the cashier was told about."""

    def take_coupon(self, text: str) -> None:
        """Check the coupon ``text`` names for this sale's customer, and take it."""
        campaigns = self.app.register.campaigns
        try:
            applied = campaigns.check(text, self.cart.customer, date.today())
        except TillError as refused:
            self.say(str(refused), "error")  # type: ignore[attr-defined]
            self.app.bell()
            return
        if self._change(lambda: self.cart.take_coupon(applied), 0, 0):  # type: ignore[attr-defined]
            self._waiting_coupon = None
            self.refresh_bindings()  # type: ignore[attr-defined]
            offer = offer_words(Offer(applied.kind, applied.value), self.app.register.money)
            self.say(  # type: ignore[attr-defined]
                _("Coupon {campaign} taken: {offer}.").format(
                    campaign=applied.campaign, offer=offer
                ),
                "success",
            )

    def offer_coupon(self, customer: SaleCustomer) -> str:
        """The customer's unused coupon valid today, remembered for the coupon key, in the
        words the message line says it; "" when there is none."""
        waiting = self.app.register.campaigns.waiting(customer.id, date.today())
        self._waiting_coupon = waiting
        self.refresh_bindings()  # type: ignore[attr-defined]
        if waiting is None or self.cart.coupon is not None:
            return ""
        return _("Coupon {offer}: {key}.").format(
            offer=offer_words(waiting.offer, self.app.register.money),
            key=key_hint(self.app, "coupon"),
        )

    def action_coupon(self) -> None:
        """Take the customer's coupon told about; on a sale that has one, take it off."""
        coupon = self.cart.coupon
        if coupon is not None:
            if self._change(self.cart.drop_coupon, 0, 0):  # type: ignore[attr-defined]
                self.offer_coupon_again(coupon.customer_id)
                self.say(  # type: ignore[attr-defined]
                    _("Coupon {campaign} taken off the sale.").format(campaign=coupon.campaign),
                    "info",
                )
        elif self._coupon_waiting():
            assert self._waiting_coupon is not None
            self.take_coupon(self._waiting_coupon.code)

    def offer_coupon_again(self, customer_id: str) -> None:
        self._waiting_coupon = self.app.register.campaigns.waiting(customer_id, date.today())
        self.refresh_bindings()  # type: ignore[attr-defined]

    def coupon_key_applies(self) -> bool:
        """The coupon key shows while the customer told about is attached and their coupon
        can be taken, or while the sale has a coupon (the key takes it off)."""
        return self.cart.coupon is not None or self._coupon_waiting()

    def _coupon_waiting(self) -> bool:
        waiting, customer = self._waiting_coupon, self.cart.customer
        return (
            waiting is not None
            and customer is not None
            and customer.id == waiting.customer_id
            and self.cart.coupon is None
        )
