"""The customer file at the register, driven through the real app."""

import pytest
from textual.widgets import Input

from storage import audit, customers, sales
from storage.models import Customer as CustomerRow
from till.screens.customer_form import CustomerFormScreen
from till.screens.customer_search import CustomerSearchScreen
from till.screens.customer_view import CustomerViewScreen
from till.screens.sale import SaleScreen

from ..conftest import PRODUCTS
from .conftest import as_manager, error_notifications, message, scan

BAGUETTE = PRODUCTS[0][0]


def add(**fields):
    return customers.create_customer(fields, actor="setup", till_no=1, region="FR")


@pytest.fixture
def dupont(settings):
    return add(
        last_name="Dupont",
        first_name="Jean",
        mobile="0612345678",
        kind="business",
        company="Dupont SARL",
        vat_number="FR40303265045",
    )


async def pay_cash(pilot):
    await pilot.press("f10", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def customer_label(app) -> str:
    return str(app.screen.query_one("#sale-customer").render())


async def test_quick_add_during_a_sale(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f3")
        await pilot.press(*"Lefèvre", "enter", *"Anne", "enter", *"06 98 76 54 32", "enter")
        await pilot.press("enter")  # e-mail left empty: Enter on the last field saves
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        assert "C01-000001 LEFÈVRE Anne" in customer_label(app)
        await pay_cash(pilot)
        assert "Walk-in" in customer_label(app)  # the next sale starts on walk-in
    sale = sales.get_sale("01-000001")
    assert sale.customer.code == "C01-000001"
    created = customers.find_by_code("C01-000001")
    assert (created.last_name, created.mobile) == ("Lefèvre", "+33698765432")


async def test_quick_add_needs_a_phone_or_email_and_refuses_bad_ones(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Martin", "enter", "enter", "enter", "enter")
        error = app.screen.query_one("#quick-mobile-error")
        assert error.display and "phone number or an e-mail" in str(error.render())
        assert error.region.height >= 1  # really on screen
        app.screen.query_one("#quick-email", Input).value = "martin@"
        await pilot.press("f10")
        email_error = app.screen.query_one("#quick-email-error")
        assert email_error.display and "after the @" in str(email_error.render())
        await pilot.press("escape", "y")  # typed fields: it asks first
        assert isinstance(app.screen, SaleScreen)
    assert customers.customer_count() == 0


async def test_quick_add_offers_the_customer_already_on_file(app, dupont):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", *"Dupont", "enter", "enter", *"06 12 34 56 78")
        assert "C01-000001" in str(app.screen.query_one("#quick-match").render())
        await pilot.press("f2")
        assert "C01-000001" in customer_label(app)
    assert customers.customer_count() == 1


async def test_search_attach_and_clear(app, dupont):
    other = add(last_name="Durand", first_name="Paul", email="paul@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f2")
        assert isinstance(app.screen, CustomerSearchScreen)
        await pilot.press(*"du")
        assert [c.code for c in app.screen.results] == [dupont.code, other.code]
        await pilot.press("r")  # "dur"
        assert [c.code for c in app.screen.results] == [other.code]
        await pilot.press("enter")
        assert other.code in customer_label(app)
        await pilot.press("f2", "f9")  # back to walk-in
        assert "Walk-in" in customer_label(app)
        await pilot.press("f2", *"06 12 34", "enter")
        assert dupont.code in customer_label(app)
        await pay_cash(pilot)
        assert error_notifications(app) == []
    assert sales.get_sale("01-000001").customer.id == dupont.id


async def test_scanning_a_loyalty_card_recalls_the_customer(app, dupont):
    CustomerRow.update(card_number="9912345678").where(CustomerRow.id == dupont.id).execute()
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "9912345678")
        assert dupont.code in customer_label(app)
        assert "attached" in message(app)
        await scan(pilot, "9999999999")
        assert "No product has the code" in message(app)


async def test_edit_refuses_a_bad_vat_number_at_the_field(app, dupont):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"dupont", "f4")
        assert isinstance(app.screen, CustomerViewScreen)
        await pilot.press("f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        form.query_one("#field-vat_number", Input).value = "FR40303265046"
        form.query_one("#field-city", Input).value = "Lyon"
        await pilot.press("f10")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        assert isinstance(app.screen, CustomerFormScreen)
        error = form.query_one("#error-vat_number")
        assert error.display and "checksum" in str(error.render())
        assert app.focused is form.query_one("#field-vat_number")
        assert customers.get_customer(dupont.id).city == ""  # nothing saved
        form.query_one("#field-vat_number", Input).value = "FR 40 303 265 045"
        await pilot.press("f10")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
    saved = customers.get_customer(dupont.id)
    assert (saved.city, saved.vat_number) == ("Lyon", "FR40303265045")
    changes = {(e.field, e.new_value) for e in audit.history("customer", dupont.id)}
    assert ("city", "Lyon") in changes
    assert not any(field == "vat_number" for field, _ in changes if _ != "FR40303265045")


async def test_delete_is_refused_for_a_customer_with_sales(app, dupont):
    as_manager(app)  # deleting needs a manager
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await pilot.press("f2", *"dupont", "enter")
        await pay_cash(pilot)
        await pilot.press("f2", *"dupont", "f4", "f9")
        await pilot.press("y")
        await pilot.pause()
        assert "cannot be deleted" in str(app.screen.query_one("#customer-message").render())
        assert "INACTIVE" in str(app.screen.query_one("#status").render())
        await pilot.press("escape")
        assert app.screen.results == []  # inactive: hidden from the default search
        await pilot.press("f5")  # status filter: inactive
        assert [c.code for c in app.screen.results] == [dupont.code]
        await pilot.press("enter")
        assert "inactive" in str(app.screen.query_one("#customer-message").render())
    assert customers.get_customer(dupont.id).active is False
    assert sales.get_sale("01-000001").customer.id == dupont.id


async def test_a_customer_without_sales_is_deleted(app):
    gone = add(last_name="Temporaire", email="t@example.com")
    as_manager(app)  # deleting needs a manager
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"tempo", "f4", "f9", "y")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, CustomerSearchScreen)
        assert app.screen.results == []
    assert customers.find_by_code(gone.code) is None


async def test_the_view_shows_history_figures_and_changes(app, dupont):
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(2):
            await scan(pilot, BAGUETTE)
            await pilot.press("f2", *"dupont", "enter")
            await pay_cash(pilot)
        await pilot.press("f2", *"dupont", "f4")
        view = app.screen
        main = str(view.query_one("#customer-figures").render())
        assert "Sales: 2" in main and "Total spent: 2,40" in main and "Baguette ×2" in main
        assert view.query_one("#customer-sales").row_count == 2
        view.query_one("#history-receipt", Input).value = "000002"
        await pilot.pause()
        assert view.query_one("#customer-sales").row_count == 1
        view.query_one("#customer-tabs").active = "tab-history"
        await pilot.pause()
        await pilot.press("f7")
        assert "Receipt 01-000002" in str(app.screen.query_one("#receipt-text").render())
        assert view.query_one("#customer-audit").row_count >= 5


async def test_reconfirm_flag_asks_the_cashier_to_check_details(app, dupont):
    customers.update_customer(dupont.id, {"reconfirm": True}, actor="office", region="FR")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"dupont", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CustomerFormScreen)
        assert "Please check these details" in str(app.screen.query_one("#status").render())
        await pilot.press("f10")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
    assert customers.get_customer(dupont.id).reconfirm is False


async def test_extra_addresses_are_added_and_removed(app, dupont):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"dupont", "f4")
        view = app.screen
        await pilot.press("f3")
        assert isinstance(app.screen, CustomerViewScreen)  # F3 only on the Addresses tab
        view.query_one("#customer-tabs").active = "tab-addresses"
        await pilot.pause()
        await pilot.press("f3", *"5 quai des Docks", "tab", "tab", "tab", *"13002")
        await pilot.press("tab", *"Marseille", "f10")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        await pilot.pause()
        assert view.query_one("#customer-extra-addresses").row_count == 1
        saved = customers.get_customer(dupont.id).addresses
        assert [(a.kind, a.line1, a.postcode, a.city) for a in saved] == [
            ("delivery", "5 quai des Docks", "13002", "Marseille")
        ]
        await pilot.press("f6", "y")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        await pilot.pause()
        assert view.query_one("#customer-extra-addresses").row_count == 0
    assert customers.get_customer(dupont.id).addresses == ()
    fields = [e.field for e in audit.history("customer", dupont.id)]
    assert fields.count("address delivery") == 2


async def test_the_file_shows_phone_numbers_as_people_read_them(app, dupont):
    customers.update_customer(dupont.id, {"landline": "+442079460958"}, actor="t", region="FR")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"dupont", "f4")
        await pilot.pause()
        main = str(app.screen.query_one("#customer-main").render())
        assert "06 12 34 56 78" in main  # stored as +33612345678: national at home
        assert "+44 20 7946 0958" in main  # abroad: international


async def test_a_cashier_deleting_a_customer_is_asked_for_a_manager_s_pin(settings):
    from dataclasses import replace

    from till.app import make_app
    from till.config import SecuritySettings
    from till.core.pin import hash_pin
    from till.screens.manager import ManagerPinScreen

    app = make_app(replace(settings, security=SecuritySettings(manager_pin=hash_pin("4821"))))
    kept = add(last_name="Temporaire", email="t@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"tempo", "f4", "f9", "y")
        await pilot.pause()
        assert isinstance(app.screen, ManagerPinScreen)
        await pilot.press("escape")
        await pilot.pause()
    assert customers.find_by_code(kept.code) is not None  # no approval: nothing deleted
