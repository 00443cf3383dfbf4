"""Why a line costs what it does, as a code kept with the sale, never as a sentence: the
domain writes ``promotion`` or ``price-list:PRO``; the screen, the receipt (in the customer's
language) and the invoice word it (till/price_words.py). Notes written before codes were kept
(``Promotion``, ``VIP 5%``) are prose and shown as they are."""

from __future__ import annotations

from dataclasses import dataclass, replace

PROMOTION = "promotion"
PRICE_LIST = "price-list"
PRICE_SET_BY = "price-set-by"
DISCOUNT = "discount"
"""The customer's personal discount."""
SEGMENT = "segment"
"""The discount of the customer's segment (``VIP``)."""
SUBSCRIPTION = "subscription"
"""The discount of a subscription card the customer holds (``Gold``)."""
POINTS = "points"
"""Part of the line paid for with the customer's points."""
COUPON = "coupon"
"""A campaign's coupon took part of the line off (``coupon:SPRING``)."""
_WITH_POINTS = POINTS + "+"
_AND_COUPON = f"+{COUPON}:"


@dataclass(frozen=True)
class LineNote:
    """A note read back: its kind ("" for points alone), the name it carries (a price code,
    a manager, a segment), the rate of a discount, and whether points paid part of it."""

    kind: str
    value: str = ""
    rate_bp: int = 0
    points: bool = False
    coupon: str = ""
    """The campaign whose coupon also took part of the line off ("" if none)."""


def price_list_note(price_code: str) -> str:
    """``price-list:PRO``: the customer's price list set the price."""
    return f"{PRICE_LIST}:{price_code}"


def price_set_by_note(name: str) -> str:
    """``price-set-by:Max``: a manager set the price by hand."""
    return f"{PRICE_SET_BY}:{name}"


def discount_note(rate_bp: int) -> str:
    """``discount:1250``: the customer's own discount, 12.5 %."""
    return f"{DISCOUNT}:{rate_bp}"


def segment_note(segment: str, rate_bp: int) -> str:
    """``segment:500:VIP``: the discount of the segment VIP, 5 %."""
    return f"{SEGMENT}:{rate_bp}:{segment}"


def coupon_note(campaign: str) -> str:
    """``coupon:SPRING``: the coupon of the campaign SPRING took part of the line off."""
    return f"{COUPON}:{campaign}"


def with_coupon(note: str, campaign: str) -> str:
    """``note`` of a line a coupon also took part off: ``promotion+coupon:SPRING``, or
    ``coupon:SPRING`` alone (the campaign's name last: it may hold any character)."""
    return f"{note}{_AND_COUPON}{campaign}" if note else coupon_note(campaign)


def subscription_note(plan: str, rate_bp: int) -> str:
    """``subscription:1000:Gold``: the plan Gold's discount, 10 %."""
    return f"{SUBSCRIPTION}:{rate_bp}:{plan}"


def with_points(note: str) -> str:
    """``note`` of a line that points also paid part of: ``points+promotion``, ``points``."""
    return f"{_WITH_POINTS}{note}" if note else POINTS


def parse_note(note: str) -> LineNote | None:
    """A note written as a code; None for prose (written before codes were kept)."""
    if note == POINTS:
        return LineNote("", points=True)
    points = note.startswith(_WITH_POINTS)
    code = note.removeprefix(_WITH_POINTS) if points else note
    own, joined, campaign = code.partition(_AND_COUPON)
    if joined and campaign and own:
        parsed = parse_note(own)
        return replace(parsed, points=points, coupon=campaign) if parsed else None
    if code == PROMOTION:
        return LineNote(PROMOTION, points=points)
    kind, colon, value = code.partition(":")
    if not (colon and value):
        return None
    if kind in (PRICE_LIST, PRICE_SET_BY, COUPON):
        return LineNote(kind, value, points=points)
    if kind == DISCOUNT and _is_rate(value):
        return LineNote(DISCOUNT, rate_bp=int(value), points=points)
    rate, colon, segment = value.partition(":")
    if kind in (SEGMENT, SUBSCRIPTION) and _is_rate(rate) and colon and segment:
        return LineNote(kind, segment, int(rate), points)
    return None


def _is_rate(text: str) -> bool:
    return text.isascii() and text.isdigit()
