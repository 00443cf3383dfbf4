"""The business fields in the customer form and view, at 80x24: choices in words, the VAT
number derived from the SIRET shown once saved."""

from dataclasses import replace

import pytest
from textual.widgets import Checkbox, Input, Select

from storage import customers
from till.app import make_app
from till.config import CustomerSettings
from till.screens.customer_form import CustomerFormScreen
from till.screens.customer_view import CustomerViewScreen

from .conftest import error_notifications

SIRET = "73282932000074"
NEW_FIELDS = (
    "gender",
    "business_type",
    "industry",
    "payment_terms",
    "invoice_automatically",
    "preferred_channel",
)


@pytest.fixture
def app(settings):
    return make_app(replace(settings, customers=CustomerSettings(vat_from_siret=True)))


@pytest.fixture
def shop(settings):
    return customers.create_customer(
        {"last_name": "Durand", "kind": "business", "company": "Durand SARL"},
        actor="setup",
        till_no=1,
        region="FR",
    )


async def test_the_form_edits_the_new_fields_and_shows_the_vat_number_filled(app, shop):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"durand", "f4", "f4")
        form = app.screen
        assert isinstance(form, CustomerFormScreen)
        for name in NEW_FIELDS:  # each one reachable and drawn inside the 80 columns
            widget = form.query_one(f"#field-{name}")
            widget.scroll_visible(animate=False)
            await pilot.pause()
            assert widget.region.width > 0 and widget.region.right <= 80, name
        gender = form.query_one("#field-gender", Select)
        assert [str(prompt) for prompt, _ in gender._options] == [
            "Not given",
            "Female",
            "Male",
            "Other",
        ]
        gender.value = "female"
        form.query_one("#field-preferred_channel", Select).value = "email"
        form.query_one("#field-business_type", Input).value = "SARL"
        form.query_one("#field-industry", Input).value = "Boulangerie"
        form.query_one("#field-payment_terms", Input).value = "net 45 eom"
        form.query_one("#field-invoice_automatically", Checkbox).value = True
        form.query_one("#field-registration_number", Input).value = SIRET
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = app.screen
        assert isinstance(view, CustomerViewScreen)
        details = str(view.query_one("#customer-details").render())
        assert "Legal form: SARL" in details and "Industry: Boulangerie" in details
        assert "Payment terms: 45 days end of month" in details
        assert "VAT number: FR44732829320" in details
        assert "Gender: Female" in str(view.query_one("#customer-main").render())
        figures = str(view.query_one("#customer-figures").render())
        assert "Preferred channel: E-mail (no consent)" in figures
        await pilot.press("f4")
        again = app.screen
        assert isinstance(again, CustomerFormScreen)
        assert again.query_one("#field-vat_number", Input).value == "FR44732829320"
        assert again.query_one("#field-gender", Select).value == "female"
        assert not error_notifications(app)
    saved = customers.get_customer(shop.id)
    assert (saved.payment_terms, saved.invoice_automatically) == ("net45eom", True)
    assert (saved.gender, saved.preferred_channel) == ("female", "email")


async def test_bad_payment_terms_are_refused_at_the_field(app, shop):
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"durand", "f4", "f4")
        form = app.screen
        form.query_one("#field-payment_terms", Input).value = "net 90"
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CustomerFormScreen)
        error = form.query_one("#error-payment_terms")
        assert error.display and "1 to 60 days" in str(error.render())
    assert customers.get_customer(shop.id).payment_terms == ""


async def test_a_code_this_version_does_not_know_is_shown_and_kept(app, shop):
    from storage.models import Customer as CustomerRow

    CustomerRow.update(gender="[b]nonbinary[/b]").where(CustomerRow.id == shop.id).execute()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"durand", "f4")
        assert "Gender: [b]nonbinary[/b]" in str(app.screen.query_one("#customer-main").render())
        await pilot.press("f4")
        form = app.screen
        assert form.query_one("#field-gender", Select).value == "[b]nonbinary[/b]"
        form.query_one("#field-industry", Input).value = "BTP"
        await pilot.press("f10")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, CustomerViewScreen)
        assert not error_notifications(app)
    saved = customers.get_customer(shop.id)
    assert (saved.gender, saved.industry) == ("[b]nonbinary[/b]", "BTP")
