"""Every action has a key shown in the footer, at 80x24, and keys can be remapped."""

from dataclasses import replace

from till.app import make_app
from till.screens.payment import PaymentScreen

from ..conftest import PRODUCTS
from .conftest import footer_text, scan


async def test_sale_screen_footer_fits_80_columns(settings):
    app = make_app(settings, demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        keys = list(app.screen.query("FooterKey"))
        shown = footer_text(app)
        for description in [
            "Pay",
            "Customer",
            "New",
            "Park",
            "Qty",
            "Void",
            "Cancel",
            "Receipt",
            "Return",
        ]:
            assert description in shown
        assert max(key.region.right for key in keys) <= 80
        assert all(key.region.y == 23 for key in keys)
        assert "F12: a demo scan" in str(app.screen.query_one("#vat").render())
        await pilot.press("f12")  # the keys do not change with the sale: no footer rebuild
        await pilot.pause()
        assert app.screen.cart.lines
        assert list(app.screen.query("FooterKey")) == keys  # the very same widgets


async def test_demo_scan_only_in_demo_mode(settings):
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        assert app.screen.cart.lines == []
        assert "Demo" not in footer_text(app)
    demo = make_app(settings, demo=True)
    async with demo.run_test(size=(80, 24)) as pilot:
        await pilot.press("f12")
        await pilot.pause()
        assert len(demo.screen.cart.lines) == 1


async def test_ctrl_alternatives_for_terminals_without_f_keys(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        await pilot.press("ctrl+o")
        await pilot.press("4", "enter")
        assert app.screen.cart.lines[0].quantity == 4
        await pilot.press("ctrl+t")
        assert isinstance(app.screen, PaymentScreen)


async def test_keymap_from_config_remaps_pay(settings):
    app = make_app(replace(settings, keymap={"pay": "f11"}))
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[0][0])
        await pilot.press("f10")
        assert not isinstance(app.screen, PaymentScreen)
        await pilot.press("f11")
        assert isinstance(app.screen, PaymentScreen)


def input_keys() -> set[str]:
    """The keys Textual's Input keeps for itself when it has the focus."""
    from textual.widgets import Input

    return {key.strip() for binding in Input.BINDINGS for key in binding.key.split(",")}


def test_every_function_key_has_a_ctrl_alternative_that_inputs_do_not_eat():
    import importlib
    import pkgutil

    from textual.screen import Screen

    import till.screens

    checked = 0
    taken = input_keys()
    assert {"ctrl+a", "ctrl+k", "ctrl+u"} <= taken
    for info in pkgutil.iter_modules(till.screens.__path__):
        module = importlib.import_module(f"till.screens.{info.name}")
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, Screen)):
                continue
            for binding in value.BINDINGS:
                keys = [key.strip() for key in binding.key.split(",")]
                if not any(k.startswith("f") and k[1:].isdigit() for k in keys):
                    continue
                checked += 1
                ctrl = [k for k in keys if k.startswith("ctrl+")]
                assert ctrl, f"{value.__name__}: {binding.key} has no Ctrl alternative"
                assert not set(ctrl) & taken, f"{value.__name__}: {binding.key} clashes"
    assert checked > 30


async def test_customer_view_footer_fits_80_columns_on_every_tab(settings):
    from storage import customers

    customers.create_customer(
        {"last_name": "Martin", "email": "m@example.fr"}, actor="t", till_no=1, region="FR"
    )
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2", *"martin", "f4")
        tabs = app.screen.query_one("#customer-tabs")
        for tab in ("tab-main", "tab-addresses", "tab-loyalty", "tab-history"):
            tabs.active = tab
            await pilot.pause()
            keys = list(app.screen.query("FooterKey"))
            assert keys and max(key.region.right for key in keys) <= 80, tab


async def test_payment_footer_fits_80_columns_with_every_offer(settings):
    from storage import accounts, customers, loyalty

    zoe = customers.create_customer({"last_name": "Zola"}, actor="t", till_no=1, region="FR")
    loyalty.issue_card(zoe.id, actor="t", till_no=1)
    loyalty.adjust_points(zoe.id, 500, "gift", actor="manager")
    accounts.deposit(zoe.id, 1000, "cash", actor="t")
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, PRODUCTS[3][0])
        await pilot.press("f2", *"zola", "enter", "f10")
        assert isinstance(app.screen, PaymentScreen)
        shown = footer_text(app)
        for description in ["Cash", "Card", "Points", "Account", "Points off", "Back"]:
            assert description in shown
        keys = list(app.screen.query("FooterKey"))
        assert max(key.region.right for key in keys) <= 80
        assert all(key.region.y == 23 for key in keys)
