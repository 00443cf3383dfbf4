"""A campaign's offer and channel in words, where they are shown (CLI, customer file)."""

from __future__ import annotations

from till.core.coupons import AMOUNT_OFF, PERCENT_OFF, Offer
from till.core.customer_business import CHANNELS
from till.core.money import MoneyFormat
from till.core.pricing import format_percent
from till.i18n import _, plural


def offer_words(offer: Offer | None, money: MoneyFormat) -> str:
    """``5,00 € off``, ``10% off``, ``200 bonus points``; "" without an offer."""
    if offer is None:
        return ""
    if offer.kind == AMOUNT_OFF:
        return _("{amount} off").format(amount=money(offer.value))
    if offer.kind == PERCENT_OFF:
        return _("{rate} off").format(rate=format_percent(offer.value))
    return plural(offer.value, "{n} bonus point", "{n} bonus points")


def channel_words(channel: str) -> str:
    return _(CHANNELS[channel]) if channel in CHANNELS else channel
