"""Campaign coupons (docs/campaigns.md): the code's format, the offer a campaign makes, whether
a coupon may be used on a sale, and what it takes off the lines. Plain functions, no storage.

A code is ``CPN`` then ten random symbols and one check symbol, from Crockford's base-32
alphabet (no I, L, O, U): ``CPN7K3M9QX2HF4T``. Letters first, so it never reads as a product's
EAN or a loyalty card (all digits); about fifty random bits, so nobody guesses one; a Luhn
mod 32 check, so a mistyped symbol or two swapped neighbours are caught before any look-up.
Luhn cannot see ``0`` and ``Z`` swapped, so no code is issued with those two side by side."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from till.core.customer_business import CHANNEL_CONSENTS
from till.core.words import N_
from till.errors import TillError

PREFIX = "CPN"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 10
CODE_LENGTH = len(PREFIX) + RANDOM_SYMBOLS + 1

AMOUNT_OFF = "amount"
PERCENT_OFF = "percent"
BONUS_POINTS = "points"
OFFER_KINDS = (AMOUNT_OFF, PERCENT_OFF, BONUS_POINTS)

MAX_AMOUNT_OFF = 100_000_00
"""A coupon takes at most 100,000.00 off (minor units): a typo of a few zeros is refused."""
MAX_PERCENT_BP = 10_000
MAX_BONUS_POINTS = 1_000_000
MAX_CAMPAIGN_DAYS = 366
"""A campaign ends on or after it starts, within this many days."""

_NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,4})?")
"""An amount or a rate as typed: no sign, no exponent, no digits of other scripts."""
_LUHN_BLIND_SWAP = re.compile(f"{ALPHABET[0]}{ALPHABET[-1]}|{ALPHABET[-1]}{ALPHABET[0]}")

CONSENT_OF = CHANNEL_CONSENTS
"""The customer field that holds each channel's consent (its date in ``<field>_at``)."""
CHANNELS = tuple(CONSENT_OF)

UNKNOWN = N_("No coupon has the code {code}.")
MISTYPED = N_("{code} is not a coupon code: a symbol is mistyped.")
USED = N_("Coupon {code} was already used.")
NOT_YET = N_("Coupon {code} is valid from {date}.")
EXPIRED = N_("Coupon {code} expired on {date}.")
OTHER_CUSTOMER = N_("Coupon {code} is {name}'s: attach that customer to use it.")
NO_CUSTOMER = N_("Coupon {code} is personal: attach its customer ({name}) first.")
NO_CARD = N_("Coupon {code} gives points: the customer needs a loyalty card.")
NOTHING_TO_TAKE_OFF = N_("Coupon {code}: no line of this sale can take a discount.")


@dataclass(frozen=True)
class Offer:
    """What a coupon gives: ``value`` minor units off, basis points off, or bonus points."""

    kind: str
    value: int


@dataclass(frozen=True)
class Coupon:
    """A recipient's coupon as the register checks it."""

    code: str
    campaign: str
    customer_id: str
    customer_name: str
    offer: Offer
    starts: str
    """First day it counts (the campaign's first day), ISO date."""
    valid_until: str
    """Last day it counts, ISO date."""
    used: bool = False


@dataclass(frozen=True)
class AppliedCoupon:
    """A coupon taken on a sale: kept with the cart, written with the sale."""

    code: str
    campaign: str
    customer_id: str
    kind: str
    value: int


@dataclass(frozen=True)
class Received:
    """One campaign on a customer's file."""

    campaign: str
    channel: str
    starts: str
    ends: str
    offer: Offer | None
    coupon_code: str
    used_at: str
    """When the coupon was first used ("" if not, or no coupon)."""


def latest_valid_until(starts: date) -> date:
    """The last day a coupon of a campaign starting on ``starts`` may be valid: the end of
    the second year after it starts."""
    return date(starts.year + 2, 12, 31)


def new_code() -> str:
    """A fresh, unguessable coupon code whose every swap of neighbours its check catches."""
    while True:
        body = PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
        code = body + check_symbol(body)
        if not _LUHN_BLIND_SWAP.search(code[len(PREFIX) :]):
            return code


def check_symbol(body: str) -> str:
    """The Luhn mod 32 check symbol of ``body``'s symbols after the prefix."""
    total, factor = 0, 2
    for symbol in reversed(body[len(PREFIX) :]):
        added = factor * ALPHABET.index(symbol)
        total += added // 32 + added % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[-total % 32]


def looks_like_coupon(text: str) -> bool:
    """Written as a coupon code is (prefix and length), whether its check symbol is right or
    not: dashes and spaces a person types are left out, case does not matter."""
    cleaned = _cleaned(text)
    return (
        len(cleaned) == CODE_LENGTH
        and cleaned.startswith(PREFIX)
        and all(symbol in ALPHABET for symbol in cleaned[len(PREFIX) :])
    )


def coupon_code(text: str) -> str:
    """The code ``text`` names, in its stored form; TillError if it is mistyped."""
    cleaned = _cleaned(text)
    if not looks_like_coupon(cleaned) or check_symbol(cleaned[:-1]) != cleaned[-1]:
        raise TillError(MISTYPED, code=text.strip()[:24])
    return cleaned


def _cleaned(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")[: CODE_LENGTH + 8]


def parse_offer(text: str, minor_per_unit: int = 100) -> Offer:
    """``5.00`` (an amount off), ``10%`` (a percentage off) or ``200pts`` (bonus points)."""
    cleaned = text.strip().lower().replace(",", ".")
    number = cleaned.removesuffix("%").strip()
    try:
        if not _NUMBER.fullmatch(number) and not cleaned.endswith(("pts", "points")):
            raise InvalidOperation
        if cleaned.endswith("%"):
            bp = Decimal(number) * 100
            if bp != bp.to_integral_value() or not 0 < bp <= MAX_PERCENT_BP:
                raise InvalidOperation
            return Offer(PERCENT_OFF, int(bp))
        if cleaned.endswith(("pts", "points")):
            digits = cleaned.removesuffix("points").removesuffix("pts").strip()
            if not (digits.isascii() and digits.isdigit()) or not (
                0 < int(digits) <= MAX_BONUS_POINTS
            ):
                raise InvalidOperation
            return Offer(BONUS_POINTS, int(digits))
        minor = Decimal(cleaned) * minor_per_unit
        if minor != minor.to_integral_value() or not 0 < minor <= MAX_AMOUNT_OFF:
            raise InvalidOperation
        return Offer(AMOUNT_OFF, int(minor))
    except InvalidOperation:
        raise TillError(
            N_("{text!r} is not an offer: 5.00 (off), 10% or 200pts (bonus points)."),
            text=text.strip()[:24],
        ) from None


def refusal(
    coupon: Coupon | None, code: str, customer_id: str | None, today: date
) -> TillError | None:
    """Why ``coupon`` (None: not on file) cannot be used today on a sale for ``customer_id``
    (None: walk-in), or None when it can. A coupon is personal: only its recipient uses it."""
    if coupon is None:
        return TillError(UNKNOWN, code=code)
    if coupon.used:
        return TillError(USED, code=code)
    if today < date.fromisoformat(coupon.starts):
        return TillError(NOT_YET, code=code, date=coupon.starts)
    if today > date.fromisoformat(coupon.valid_until):
        return TillError(EXPIRED, code=code, date=coupon.valid_until)
    if customer_id is None:
        return TillError(NO_CUSTOMER, code=code, name=coupon.customer_name)
    if customer_id != coupon.customer_id:
        return TillError(OTHER_CUSTOMER, code=code, name=coupon.customer_name)
    return None


def coupon_shares(
    offer: Offer, totals: list[int], discountable: list[bool], rooms: list[int] | None = None
) -> list[int]:
    """What the coupon takes off each line (line totals after their own reductions): an
    amount or a percentage of the discountable lines, spread in proportion to them, never
    more than a line's room (``rooms``: what may come off it before it is sold below cost;
    its total when not given). Bonus points take nothing off."""
    from till.core.money import divide_half_up

    pairs = zip(totals, discountable, strict=True)
    weights = [total if ok and total > 0 else 0 for total, ok in pairs]
    caps = [min(w, max(r, 0)) for w, r in zip(weights, rooms or weights, strict=True)]
    base = sum(weights)
    if offer.kind == AMOUNT_OFF:
        off = offer.value
    elif offer.kind == PERCENT_OFF:
        off = divide_half_up(base * min(offer.value, MAX_PERCENT_BP), MAX_PERCENT_BP)
    else:
        return [0] * len(totals)
    return _spread_within(min(off, sum(caps)), weights, caps)


def _spread_within(amount: int, weights: list[int], caps: list[int]) -> list[int]:
    """``amount`` (at most the caps' sum) shared in proportion to ``weights``, no share above
    its cap: what a capped line cannot take goes to the others, in the same proportion."""
    from till.core.pricing import allocate

    shares = [0] * len(weights)
    left = amount
    open_lines = [i for i, cap in enumerate(caps) if cap > 0]
    while left > 0 and open_lines:
        parts = allocate(left, [weights[i] for i in open_lines])
        for i, part in zip(open_lines, parts, strict=True):
            taken = min(part, caps[i] - shares[i])
            shares[i] += taken
            left -= taken
        open_lines = [i for i in open_lines if shares[i] < caps[i]]
    return shares
