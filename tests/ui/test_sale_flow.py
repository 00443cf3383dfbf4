"""A full sale through the real app, checked in the database and in the printed bytes."""

from storage import sales
from till.core.sale import PaymentMethod
from till.screens.sale import SaleScreen
from till.widgets.cart import CartTable

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from .conftest import error_notifications, message, scan

BAGUETTE, CAFE, SAVON, VIN, QUICHE = (p[0] for p in PRODUCTS)


async def test_full_cash_sale(app, printer_file):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        # One scan typed key by key, as a keyboard-wedge scanner sends it.
        await pilot.press(*BAGUETTE, "enter")
        await scan(pilot, CAFE)
        await scan(pilot, BAGUETTE)
        await scan(pilot, VIN)
        table = screen.query_one(CartTable)
        assert [(line.item.name, line.quantity) for line in screen.cart.lines] == [
            ("Baguette", 2),
            ("Café moulu 250 g", 1),
            ("Vin rouge", 1),
        ]
        assert table.row_count == 3

        # Café: quantity 3.
        await pilot.press("up")
        assert table.cursor_row == 1
        await pilot.press("f4")
        await pilot.press("3", "enter")
        assert screen.cart.lines[1].quantity == 3
        assert str(table.get_cell_at((1, 1))) == "3"

        # Void the wine.
        await pilot.press("down", "f8")
        assert [line.item.name for line in screen.cart.lines] == ["Baguette", "Café moulu 250 g"]
        assert table.row_count == 2
        total = 2 * 120 + 3 * 385
        assert "TOTAL 13,95" in str(screen.query_one("#total").render())

        # Pay 20 in cash.
        await pilot.press("f10")
        await pilot.press(*"20", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "01-000001 saved" in message(app)
        assert "Change 6,05" in message(app)
        assert screen.cart.lines == []
        assert error_notifications(app) == []

    stored = sales.get_sale("01-000001")
    assert stored.total == total
    assert [(line.name, line.quantity, line.unit_price, line.total) for line in stored.lines] == [
        ("Baguette", 2, 120, 240),
        ("Café moulu 250 g", 3, 385, 1155),
    ]
    assert [(v.rate_bp, v.gross, v.net, v.vat) for v in stored.vat] == [(550, 1395, 1322, 73)]
    assert [(p.method, p.amount, p.tendered) for p in stored.payments] == [
        (PaymentMethod.CASH, 1395, 2000)
    ]
    assert stored.change_given == 605

    printout = decode(printer_file.read_bytes())
    text = printout.text
    assert "Receipt 01-000001" in text
    assert "Café moulu 250 g" in text and "  3 x 3,85 €" in text
    assert "13,95 €" in text and "6,05 €" in text and "0,73 €" in text
    assert "Vin rouge" not in text
    assert printout.barcodes == [("CODE128", "01-000001")]
    assert printout.cuts == 1
    assert printout.drawer_kicks == [0]


async def test_split_payment_card_then_cash(app, printer_file):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f10")
        await pilot.press("ctrl+a", "ctrl+k", *"5", "f3")  # 5.00 on the card terminal
        assert "Still due: 2,90" in str(app.screen.query_one("#payment-message").render())
        await pilot.press("enter")  # the rest in cash, exact
        await app.workers.wait_for_complete()
        await pilot.pause()
    stored = sales.get_sale("01-000001")
    assert [(p.method, p.amount) for p in stored.payments] == [
        (PaymentMethod.CARD, 500),
        (PaymentMethod.CASH, 290),
    ]
    assert stored.change_given == 0
    assert decode(printer_file.read_bytes()).drawer_kicks == [0]


async def test_card_only_sale_does_not_open_the_drawer(app, printer_file):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, SAVON)
        await pilot.press("f10", "f3")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sales.get_sale("01-000001").payments[0].method is PaymentMethod.CARD
    assert decode(printer_file.read_bytes()).drawer_kicks == []


async def test_cancel_sale_asks_first(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await scan(pilot, SAVON)
        await pilot.press("f9", "n")
        assert len(screen.cart.lines) == 1
        await pilot.press("f9", "y")
        assert screen.cart.lines == []
        assert "cancelled" in message(app)
    assert sales.sale_count() == 0


async def test_receipt_preview_shows_the_last_sale(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, QUICHE)
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f7")
        preview = str(app.screen.query_one("#receipt-text").render())
        assert "Receipt 01-000001" in preview
        assert "Quiche [bold]lorraine[/]" in preview  # stored text is never markup
        await pilot.press("escape")
        assert isinstance(app.screen, SaleScreen)


async def test_the_table_follows_the_cart_through_voids_and_merges(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        for code in (BAGUETTE, CAFE, SAVON, VIN, CAFE, QUICHE):
            await scan(pilot, code)
        await pilot.press("up", "up", "up", "f8")  # void the café in the middle
        await pilot.press("up", "f4", "5", "enter")
        table = screen.query_one(CartTable)
        shown = [
            (str(table.get_cell_at((row, 0))), str(table.get_cell_at((row, 1))))
            for row in range(table.row_count)
        ]
        assert shown == [(line.item.name, str(line.quantity)) for line in screen.cart.lines]
        assert [name for name, _ in shown] == [
            "Baguette",
            "Savon de Marseille",
            "Vin rouge",
            "Quiche [bold]lorraine[/]",
        ]
        assert shown[0][1] == "5"


async def test_park_serve_someone_else_then_resume(app):
    from storage import customers

    zoe = customers.create_customer(
        {"last_name": "Martin", "first_name": "Zoé", "email": "z@example.fr"},
        actor="t",
        till_no=1,
        region="FR",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await scan(pilot, VIN)
        await scan(pilot, CAFE)
        await scan(pilot, CAFE)
        await pilot.press("f2", *"martin", "enter")
        await pilot.press("f5")
        await pilot.press("ctrl+a", "ctrl+k", *"Zoé, back soon", "enter")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        assert screen.cart.lines == [] and screen.cart.customer is None
        assert "Parked as 'Zoé, back soon'" in message(app)

        await scan(pilot, SAVON)  # the next customer pays meanwhile
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()

        await pilot.press("f5")  # empty sale: the parked list
        table = app.screen.query_one("#parked-sales")
        assert table.row_count == 1
        assert str(table.get_cell_at((0, 0))) == "Zoé, back soon"
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()  # the write runs off the event loop
        await pilot.pause()
        assert [(line.item.name, line.quantity) for line in screen.cart.lines] == [
            ("Vin rouge", 1),
            ("Café moulu 250 g", 2),
        ]
        assert screen.cart.customer.id == zoe.id
        assert screen.query_one(CartTable).row_count == 2
        await pilot.press("f10", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("f5")
        assert app.screen.query_one("#parked-sales").row_count == 0  # resumed: gone
    second = sales.get_sale("01-000002")
    assert second.total == 790 + 2 * 385 and second.customer.id == zoe.id


async def test_nothing_parks_once_payment_started(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f10", "ctrl+a", "ctrl+k", *"5", "f3", "escape")
        await pilot.press("f5")  # not offered once payment has started: no name is asked
        assert isinstance(app.screen, SaleScreen)
        assert len(app.screen.cart.lines) == 1 and app.screen.cart.payments
