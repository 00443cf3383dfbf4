"""A receipt in its customer's own language: the customer file says ``fr`` or ``en`` and the
receipt printed (and previewed) for their sale is in it, whatever the till speaks; a language
the till does not speak leaves the till's; the screens' words stay the till's meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from devices.printer.receipt import render_text
from storage import catalog, sales
from till.core.sale import Cart, PaymentMethod
from till.i18n import _, speaking, translations, use_language
from till.register import Register

from ..conftest import PRODUCTS
from ..escpos_decoder import decode


@pytest.fixture
def register(settings) -> Iterator[Register]:
    register = Register(settings)
    yield register
    register.close()
    use_language("en")


def _sold_to(register: Register, language: str):
    customer = register.customers.create({"last_name": "Martin", "language": language})
    cart = Cart()
    register.attach(cart, register.customers.for_sale(customer))
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    recorded = sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False)
    return sales.get_sale_by_id(recorded.id)  # as the print queue reads it back


def _printed(register: Register, sale, printer_file) -> str:
    before = printer_file.read_bytes() if printer_file.exists() else b""
    register.printer.print_sale(sale, kick_drawer=False)
    return decode(printer_file.read_bytes()[len(before) :]).text


def test_an_english_till_prints_a_french_customer_s_receipt_in_french(register, printer_file):
    sale = _sold_to(register, "fr")
    assert sale.customer is not None and sale.customer.language == "fr"
    text = _printed(register, sale, printer_file)
    assert "Ticket" in text and "Espèces" in text and "Cash" not in text
    assert "Espèces" in register.printer.preview(sale)  # the receipt screen shows what prints
    assert _("Cash") == "Cash"  # the till itself still speaks English


def test_a_french_till_prints_an_english_customer_s_receipt_in_english(register, printer_file):
    use_language("fr")
    text = _printed(register, _sold_to(register, "en"), printer_file)
    assert "Receipt" in text and "Cash" in text and "Espèces" not in text


def test_a_language_the_till_does_not_speak_leaves_the_till_s(register, printer_file):
    use_language("fr")
    text = _printed(register, _sold_to(register, "de"), printer_file)
    assert "Espèces" in text


def test_one_thread_speaking_another_language_leaves_the_others_alone():
    use_language("en")
    inside, outside = threading.Event(), threading.Event()
    heard: dict[str, str] = {}

    def printer_thread() -> None:
        with speaking("fr"):
            heard["printer"] = _("Cash")
            inside.set()
            outside.wait(5)
        heard["printer after"] = _("Cash")

    thread = threading.Thread(target=printer_thread)
    thread.start()
    inside.wait(5)
    heard["screen"] = _("Cash")
    outside.set()
    thread.join(5)
    assert heard == {"printer": "Espèces", "screen": "Cash", "printer after": "Cash"}


def test_a_french_customer_s_points_slip_is_french_on_an_english_till(register):
    customer = register.customers.create({"last_name": "Martin", "language": "fr"})
    english = register.customers.create({"last_name": "Smith", "language": "en"})
    french_slip = render_text(register.loyalty.slip("Martin", "", customer.id))
    english_slip = render_text(register.loyalty.slip("Smith", "", english.id))
    french = translations("fr").gettext("Loyalty points")
    assert french != "Loyalty points"
    assert french in french_slip and "Loyalty points" not in french_slip
    assert "Loyalty points" in english_slip
    assert _("Cash") == "Cash"
