"""The Loyalty tab says no manager PIN is set before the cashier types an adjustment."""

from storage import customers
from till.core.pin import NO_MANAGER_PIN
from till.screens.customer_view import CustomerViewScreen

from .test_loyalty import open_loyalty_tab


async def test_adjusting_points_without_a_manager_pin_says_so_first(app):
    customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé"}, actor="t", till_no=1, region="FR"
    )
    assert not app.register.settings.security.manager_pin
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_loyalty_tab(pilot)
        await pilot.press("f5")
        assert isinstance(app.screen, CustomerViewScreen)  # no form to fill in for nothing
        assert str(view.query_one("#customer-message").render()) == NO_MANAGER_PIN
