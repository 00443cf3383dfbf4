"""The sale in progress kept on disk: what is stored, in which order, and when it goes."""

from __future__ import annotations

import threading

import pytest

from storage import catalog, open_sale, parked
from storage.models import OpenSale
from till.core.pricing import PriceTerms
from till.core.sale import Cart, PaymentMethod, SaleCustomer
from till.errors import InvalidSale, TillError
from till.register import Register
from till.sale_keeper import OpenSaleKeeper

from ..conftest import PRODUCTS

CUSTOMER = SaleCustomer(
    "c1", "C01-000001", "DUPONT [b]Jean[/]", enrolled=True, terms=PriceTerms(discount_bp=500)
)


def _cart(*indexes: int, customer: SaleCustomer | None = None) -> Cart:
    cart = Cart(customer=customer)
    for index in indexes:
        cart.add(catalog.lookup(PRODUCTS[index][0]))
    for line in cart.lines:
        line.terms = cart.terms
    return cart


def test_a_partly_paid_sale_with_points_off_comes_back_whole(stocked_db):
    cart = _cart(0, 0, 3, 4, customer=CUSTOMER)
    cart.discount_for_points(150)
    cart.pay(PaymentMethod.CARD, 500)
    assert open_sale.save(1, 1, cart)
    back = open_sale.load(1)
    assert back == cart
    assert [line.points_off for line in back.lines] == [line.points_off for line in cart.lines]
    assert (back.total, back.paid, back.remaining) == (cart.total, 500, cart.total - 500)
    assert back.customer == CUSTOMER


def test_each_till_has_its_own_open_sale(stocked_db):
    open_sale.save(1, 1, _cart(0))
    open_sale.save(2, 1, _cart(1, 2))
    assert open_sale.load(1).item_count == 1
    assert open_sale.load(2).item_count == 2
    assert open_sale.load(3) is None


def test_an_older_state_never_overwrites_a_newer_one(stocked_db):
    assert open_sale.save(1, 5, _cart(0, 1))
    assert not open_sale.save(1, 4, _cart(0))
    assert open_sale.load(1).item_count == 2
    assert open_sale.clear(1, 6)
    assert open_sale.load(1) is None
    assert not open_sale.save(1, 5, _cart(0, 1))  # a late write of a sale already saved
    assert open_sale.load(1) is None
    assert open_sale.revision(1) == 6


def test_an_empty_cart_is_no_open_sale(stocked_db):
    open_sale.save(1, 1, _cart(0))
    open_sale.save(1, 2, Cart(customer=CUSTOMER))
    assert open_sale.load(1) is None
    assert OpenSale.get(OpenSale.till_no == 1).cart is None


def test_an_unreadable_open_sale_is_said_and_logged(stocked_db, caplog):
    open_sale.save(1, 1, _cart(0))
    OpenSale.update(cart='{"lines": [{"nope": 1}]}').execute()
    with pytest.raises(TillError, match="cannot be read back"):
        open_sale.load(1)
    assert '{"nope": 1}' in caplog.text


def test_parking_still_refuses_a_sale_whose_payment_started(stocked_db):
    cart = _cart(0, 1)
    cart.pay(PaymentMethod.CASH, 100)
    with pytest.raises(InvalidSale, match="Payment has started"):
        parked.park(cart, "x", till_no=1)


# --- the register: saving or parking the sale ends it in the same transaction -------------


@pytest.fixture
def register(settings):
    register = Register(settings)
    yield register
    register.close()


def test_recording_the_sale_clears_the_open_sale_and_a_late_write_cannot_bring_it_back(
    register,
):
    cart = _cart(0, 2)
    cart.pay(PaymentMethod.CASH, 2000)
    assert register.keep_open_sale(cart)  # offered before the sale is saved ...
    register.record(cart)
    assert open_sale.load(register.till_no) is None
    register.flush_open_sale()  # ... and written after: older, so ignored
    assert open_sale.load(register.till_no) is None


def test_a_sale_that_fails_to_record_stays_open(register):
    cart = _cart(0, 2)
    cart.pay(PaymentMethod.CASH, 100)
    register.keep_open_sale(cart)
    register.flush_open_sale()
    with pytest.raises(InvalidSale):
        register.record(cart)  # only partly paid: refused, nothing committed
    assert open_sale.load(register.till_no) == cart


def test_parking_clears_the_open_sale(register):
    cart = _cart(0, 2)
    register.keep_open_sale(cart)
    register.flush_open_sale()
    assert open_sale.load(register.till_no) == cart
    register.park(cart, "Martin")
    assert open_sale.load(register.till_no) is None
    assert [p.name for p in register.parked()] == ["Martin"]


def test_closing_the_register_writes_the_last_state(settings):
    register = Register(settings)
    register.keep_open_sale(_cart(0, 1, 2))
    register.close()  # no worker ran: close writes it
    assert open_sale.load(settings.till.number).item_count == 3


def test_a_new_register_numbers_after_the_stored_revision(settings):
    first = Register(settings)
    for count in range(1, 4):
        first.keep_open_sale(_cart(*range(count)))
    first.close()
    second = Register(settings)
    second.keep_open_sale(Cart())  # the sale was cancelled after the restart
    second.close()
    assert open_sale.load(settings.till.number) is None


# --- coalescing ----------------------------------------------------------------------


def test_a_burst_of_changes_is_two_writes_the_last_state_last(stocked_db):
    written: list[tuple[int, int]] = []
    first_write_started, release = threading.Event(), threading.Event()

    def write(revision: int, cart: Cart | None) -> None:
        first_write_started.set()
        release.wait(10)
        written.append((revision, cart.item_count if cart else 0))

    keeper = OpenSaleKeeper(write)
    cart = Cart()
    assert keeper.offer(_cart(0))  # the caller starts one worker ...
    worker = threading.Thread(target=keeper.flush)
    worker.start()
    assert first_write_started.wait(10)
    for count in range(2, 14):  # ... and a burst of 12 changes arrives while it writes
        cart = _cart(*([0] * count))
        assert not keeper.offer(cart)
    release.set()
    worker.join(10)
    assert written == [(1, 1), (13, 13)]
    assert keeper.offer(Cart())  # idle again: the next change starts a worker


def test_a_failed_write_is_tried_again_with_the_next_flush(stocked_db):
    attempts: list[int] = []

    def write(revision: int, cart: Cart | None) -> None:
        attempts.append(revision)
        if len(attempts) == 1:
            raise OSError("disk full")

    keeper = OpenSaleKeeper(write)
    assert keeper.offer(_cart(0))
    with pytest.raises(OSError):
        keeper.flush()
    keeper.flush()
    assert attempts == [1, 1]


def test_the_snapshot_is_not_changed_by_later_changes_to_the_cart(stocked_db):
    written: list[Cart | None] = []
    keeper = OpenSaleKeeper(lambda revision, cart: written.append(cart))
    cart = _cart(0)
    keeper.offer(cart)
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, 5000)
    keeper.flush()
    assert written[0].item_count == 1 and written[0].payments == []
