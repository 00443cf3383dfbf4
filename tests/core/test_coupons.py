"""Coupon codes, offers and the rules of their use (till/core/coupons.py)."""

from datetime import date

import pytest

from till.core.coupons import (
    ALPHABET,
    PREFIX,
    Coupon,
    Offer,
    check_symbol,
    coupon_code,
    coupon_shares,
    looks_like_coupon,
    new_code,
    parse_offer,
    refusal,
)
from till.core.sale import AppliedCoupon, Cart, Item
from till.errors import TillError


def test_a_code_is_unguessable_and_its_check_catches_typos():
    code = new_code()
    assert coupon_code(code) == code and coupon_code(f" {code.lower()} ") == code
    assert not code[len(PREFIX) :].isdigit() and not code.isdigit()  # never an EAN or a card
    assert len({new_code() for _ in range(200)}) == 200
    body = code[len(PREFIX) :]
    for at in range(len(body)):
        for other in ALPHABET:
            if other != body[at]:
                typo = PREFIX + body[:at] + other + body[at + 1 :]
                with pytest.raises(TillError, match="mistyped"):
                    coupon_code(typo)
    for at in range(len(body) - 1):
        if body[at] != body[at + 1]:
            swapped = PREFIX + body[:at] + body[at + 1] + body[at] + body[at + 2 :]
            with pytest.raises(TillError, match="mistyped"):
                coupon_code(swapped)
    assert looks_like_coupon(code) and not looks_like_coupon("2000000000015")


def test_no_code_is_issued_with_a_swap_its_check_cannot_see(monkeypatch):
    """Luhn mod 32 cannot tell ``0Z`` from ``Z0``: a body drawn with them side by side is
    drawn again, and the code issued catches every swap of neighbours."""
    blind, then = "0Z12345678", "123456789A"
    swapped = PREFIX + "Z0" + blind[2:] + check_symbol(PREFIX + blind)
    assert coupon_code(swapped) == swapped  # the blindness the rule avoids
    symbols = iter(blind + then)
    monkeypatch.setattr("till.core.coupons.secrets.choice", lambda _alphabet: next(symbols))
    code = new_code()
    assert code == PREFIX + then + check_symbol(PREFIX + then)
    body = code[len(PREFIX) :]
    for at in range(len(body) - 1):
        if body[at] != body[at + 1]:
            with pytest.raises(TillError, match="mistyped"):
                coupon_code(PREFIX + body[:at] + body[at + 1] + body[at] + body[at + 2 :])


def test_offers_are_read_and_bounded():
    assert parse_offer("5.00") == Offer("amount", 500)
    assert parse_offer("12,5%") == Offer("percent", 1250)
    assert parse_offer("200pts") == Offer("points", 200)
    for wrong in ("0", "-5", "101%", "0pts", "1e3", "5.001", "abc", "100000000"):
        with pytest.raises(TillError):
            parse_offer(wrong)


COUPON = Coupon("CPN", "Spring", "c1", "DUPONT Ann", Offer("amount", 500), "2026-03-01",
                "2026-03-31")  # fmt: skip


@pytest.mark.parametrize(
    ("coupon", "customer", "day", "said"),
    [
        (None, "c1", date(2026, 3, 5), "No coupon has"),
        (COUPON.__class__(**{**vars(COUPON), "used": True}), "c1", date(2026, 3, 5), "already"),
        (COUPON, "c1", date(2026, 2, 28), "valid from 2026-03-01"),
        (COUPON, "c1", date(2026, 4, 1), "expired on 2026-03-31"),
        (COUPON, "c2", date(2026, 3, 5), "DUPONT Ann's: attach"),
        (COUPON, None, date(2026, 3, 5), "attach its customer"),
    ],
)
def test_a_coupon_is_refused_in_plain_words(coupon, customer, day, said):
    refused = refusal(coupon, "CPN", customer, day)
    assert refused is not None and said in str(refused)


def test_a_coupon_counts_on_its_last_day_for_its_own_customer():
    assert refusal(COUPON, "CPN", "c1", date(2026, 3, 31)) is None


def test_shares_spare_lines_that_take_no_discount():
    assert coupon_shares(Offer("amount", 500), [1000, 300, 200], [True, False, True]) == [
        417,
        0,
        83,
    ]
    assert coupon_shares(Offer("amount", 5000), [1000, 300], [True, False]) == [1000, 0]
    assert coupon_shares(Offer("percent", 1000), [1000, 300], [True, True]) == [100, 30]
    assert coupon_shares(Offer("points", 200), [1000], [True]) == [0]


def test_the_cart_shares_the_coupon_again_as_lines_change():
    from till.core.sale import SaleCustomer

    bread = Item("p1", "1", "Bread", 1000, 550)
    stamp = Item("p2", "2", "Stamp", 300, 0, discountable=False)
    cart = Cart(customer=SaleCustomer("c1", "C1", "Ann"))
    cart.add(bread)
    cart.take_coupon(AppliedCoupon("CPN", "Spring", "c1", "percent", 1000))
    assert cart.total == 900 and cart.lines[0].price.note == "coupon:Spring"
    cart.add(stamp)
    cart.set_quantity(0, 2)
    assert cart.total == 1800 + 300
    cart.attach(SaleCustomer("c2", "C2", "Bob"))  # another customer: the coupon leaves
    assert cart.coupon is None and cart.total == 2300


def test_screen_and_receipt_say_coupon_and_its_campaign():
    from till.price_words import note_words

    assert note_words("coupon:Noel", "en_GB") == "Coupon Noel"
    assert note_words("points+coupon:Noel", "en_GB") == "Coupon Noel + points"


def test_the_open_sale_keeps_its_coupon_through_a_restart():
    from till.core.sale import SaleCustomer, cart_document, cart_from_document

    cart = Cart(customer=SaleCustomer("c1", "C1", "Ann"))
    cart.add(Item("p1", "1", "Bread", 1000, 550))
    cart.take_coupon(AppliedCoupon("CPN", "Spring", "c1", "amount", 300))
    back = cart_from_document(cart_document(cart))
    assert back.coupon == cart.coupon and back.total == 700


def test_a_coupon_with_nothing_to_take_off_is_refused():
    from till.core.sale import SaleCustomer
    from till.errors import InvalidSale

    cart = Cart(customer=SaleCustomer("c1", "C1", "Ann"))
    cart.add(Item("p2", "2", "Stamp", 300, 0, discountable=False))
    with pytest.raises(InvalidSale, match="no line of this sale can take a discount"):
        cart.take_coupon(AppliedCoupon("CPN", "Spring", "c1", "amount", 300))
    assert cart.coupon is None and cart.total == 300


def test_a_coupon_never_takes_a_line_below_its_cost():
    from till.core.pricing import PriceTerms
    from till.core.sale import SaleCustomer

    wine = Item("p1", "1", "Wine", 1000, 2000, cost=700)  # floor: 7.00 + 20 % VAT = 8.40
    bread = Item("p2", "2", "Bread", 1000, 550)  # no cost on file: no floor
    cart = Cart(customer=SaleCustomer("c1", "C1", "Ann"))
    cart.add(wine)
    cart.add(bread)
    cart.take_coupon(AppliedCoupon("CPN", "Spring", "c1", "amount", 600))
    assert [line.total for line in cart.lines] == [840, 560]  # wine's part goes to the bread
    assert cart.coupon_discount == 600
    cart.drop_coupon()
    cart.take_coupon(AppliedCoupon("CPN", "Spring", "c1", "amount", 5000))
    assert [line.total for line in cart.lines] == [840, 0]
    cart.drop_coupon()
    cart.attach(SaleCustomer("c1", "C1", "Ann", terms=PriceTerms(allow_below_cost=True)))
    cart.take_coupon(AppliedCoupon("CPN", "Spring", "c1", "amount", 600))
    assert [line.total for line in cart.lines] == [700, 700]  # a customer allowed below cost
    assert coupon_shares(Offer("percent", 5000), [1000, 1000], [True, True], [100, 0]) == [
        100,
        0,
    ]


def test_a_coupon_keeps_the_lines_own_reason_and_both_are_said():
    from till.core.sale import SaleCustomer
    from till.price_words import note_words

    bread = Item("p1", "1", "Bread", 1000, 550, promo_price=800)
    cart = Cart(customer=SaleCustomer("c1", "C1", "Ann"))
    cart.add(bread)
    cart.take_coupon(AppliedCoupon("CPN", "Spring+coupon:x", "c1", "amount", 100))
    note = cart.lines[0].price.note
    assert note == "promotion+coupon:Spring+coupon:x" and cart.total == 700
    assert note_words(note, "en_GB") == "Promotion + coupon Spring+coupon:x"
    assert note_words(f"points+{note}", "en_GB") == "Promotion + coupon Spring+coupon:x + points"
    assert note_words("segment:500:VIP+coupon:Noel", "en_GB") == "VIP 5% + coupon Noel"
    assert note_words("coupon:Noel", "en_GB") == "Coupon Noel"
