"""The sale in progress is kept on disk as it changes and comes back when the register
restarts; saving, cancelling or parking it ends it."""

from storage import open_sale, sales
from till.app import make_app
from till.core.sale import PaymentMethod
from till.screens.prompts import ConfirmScreen

from ..conftest import PRODUCTS
from .conftest import error_notifications, message, scan

BAGUETTE, CAFE, SAVON, VIN, QUICHE = (p[0] for p in PRODUCTS)


async def test_a_partly_paid_sale_comes_back_after_a_restart_and_can_be_finished(app, settings):
    async with app.run_test(size=(80, 24)) as pilot:
        for code in (BAGUETTE, CAFE, SAVON):
            await scan(pilot, code)
        await pilot.press("f10")
        await pilot.press("ctrl+a", "ctrl+k", *"5", "f3")  # 5,00 € by card; 2,55 € still due
        await app.workers.wait_for_complete()
        kept = open_sale.load(settings.till.number)
        assert kept is not None  # on disk while the payment screen is still open
        assert [line.item.name for line in kept.lines] == [
            "Baguette",
            "Café moulu 250 g",
            "Savon de Marseille",
        ]
        assert [(p.method, p.amount) for p in kept.payments] == [(PaymentMethod.CARD, 500)]

    restarted = make_app(settings)
    async with restarted.run_test(size=(80, 24)) as pilot:
        screen = restarted.screen
        assert (
            message(restarted)
            == "The sale open when the register stopped is back: 3 items, 1 payment taken."
        )
        assert screen.cart.paid == 500 and screen.cart.remaining == 255
        assert "Paid 5,00" in str(screen.query_one("#total").render())
        await pilot.press("f10", "enter")  # the rest in cash
        await restarted.workers.wait_for_complete()
        await pilot.pause()
        assert "01-000001 saved" in message(restarted)
        assert error_notifications(restarted) == []
    sale = sales.get_sale("01-000001")
    assert [(p.method, p.amount) for p in sale.payments] == [
        (PaymentMethod.CARD, 500),
        (PaymentMethod.CASH, 255),
    ]
    assert open_sale.load(settings.till.number) is None


async def test_a_sale_paid_but_not_saved_comes_back_saying_f10_saves_it(app, settings):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        app.screen.cart.pay(PaymentMethod.CASH, 1000)
        app.screen._show(app.screen.cart)  # as the payment screen leaves it, before saving
        await app.workers.wait_for_complete()

    restarted = make_app(settings)
    async with restarted.run_test(size=(80, 24)) as pilot:
        assert (
            message(restarted)
            == "The sale open when the register stopped is back: 1 item, paid. F10 saves it."
        )
        await pilot.press("f10")
        await restarted.workers.wait_for_complete()
        await pilot.pause()
        assert "01-000001 saved" in message(restarted)
        assert "Change 2,10" in message(restarted)


async def test_cancelling_the_sale_ends_it_on_disk(app, settings):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await app.workers.wait_for_complete()
        assert open_sale.load(settings.till.number).item_count == 1
        await pilot.press("f9", "y")
        await app.workers.wait_for_complete()
        assert app.screen.cart.lines == []
        assert open_sale.load(settings.till.number) is None

    restarted = make_app(settings)
    async with restarted.run_test(size=(80, 24)):
        assert restarted.screen.cart.lines == []
        assert "is back" not in message(restarted)


async def test_parking_the_sale_ends_it_on_disk(app, settings):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, BAGUETTE)
        await scan(pilot, QUICHE)
        await pilot.press("f5", "enter")  # park under the suggested name
        await app.workers.wait_for_complete()
        assert "Parked as" in message(app)
        assert open_sale.load(settings.till.number) is None


async def test_cancelling_a_partly_paid_sale_names_the_payment_to_give_back(app, settings):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f10", "ctrl+a", "ctrl+k", *"5", "f3", "escape")
        await app.workers.wait_for_complete()
        await pilot.press("f9")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.question == (
            "Payment taken: Card 5,00 €. Give it back, then cancel this sale?"
        ).replace(" €", "\u00a0€")
        await pilot.press("y")
        await app.workers.wait_for_complete()
        assert app.screen.cart.lines == []
        assert open_sale.load(settings.till.number) is None
