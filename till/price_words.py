"""A line's price note (till/core/line_notes.py) in words, where it is shown: the sale screen
in the till's language, the receipt and the invoice in their reader's (``till.i18n.speaking``).
A note written before codes were kept is shown as it is."""

from __future__ import annotations

from till.core.formats import for_print, formats_for
from till.core.line_notes import (
    COUPON,
    DISCOUNT,
    PRICE_LIST,
    PRICE_SET_BY,
    PROMOTION,
    SEGMENT,
    SUBSCRIPTION,
    parse_note,
)
from till.core.money import MoneyFormat
from till.core.pricing import LinePrice
from till.i18n import N_, _

NOTES = {
    PROMOTION: N_("Promotion"),
    PRICE_LIST: N_("Price list {value}"),
    PRICE_SET_BY: N_("Price set by {value}"),
    DISCOUNT: N_("Discount {rate}"),
    COUPON: N_("Coupon {value}"),
    SEGMENT: "{value} {rate}",  # the segment's name, as the shop wrote it
    SUBSCRIPTION: N_("Subscription {value} {rate}"),
}


def note_words(note: str, locale: str) -> str:
    """``segment:500:VIP`` → ``VIP 5 %``, ``points+promotion`` → ``Promotion + points``;
    rates as ``locale`` writes them, with plain spaces (a receipt's code page has no other)."""
    parsed = parse_note(note)
    if parsed is None:
        return note
    rate = for_print(formats_for(locale).rate(parsed.rate_bp)) if parsed.rate_bp else ""
    said = _(NOTES[parsed.kind]).format(value=parsed.value, rate=rate) if parsed.kind else ""
    if parsed.coupon:
        said = _("{note} + coupon {campaign}").format(note=said, campaign=parsed.coupon)
    if not parsed.points:
        return said
    return _("{note} + points").format(note=said) if said else _("Points")


def reduction_label(price: LinePrice, money: MoneyFormat) -> str:
    """Why a line costs what it does and what that saved, the same for every kind of
    reduction: ``Promotion -0,40 €``, ``VIP 5 % -0,33 €``, ``Price list PRO``; empty when the
    line is at its regular price for no particular reason."""
    reason = note_words(price.note, money.locale) or (_("Discount") if price.discount else "")
    return f"{reason} {money(-price.discount)}" if price.discount else reason
