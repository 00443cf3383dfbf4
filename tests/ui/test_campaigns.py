"""Coupons at the register and the Campaigns tab of the customer file (docs/campaigns.md)."""

from datetime import date, timedelta

from textual.widgets import DataTable, TabbedContent

from storage import customers
from storage.models import database
from till.app import make_app
from till.campaign_service import CampaignService
from till.core.coupons import Offer
from till.core.people import Role, Session, acting_as
from till.screens.customer_view import CustomerViewScreen

from ..conftest import PRODUCTS
from .conftest import footer_text, message, scan, settle

VIN = PRODUCTS[3][0]  # 7.90


FIVE_OFF = Offer("amount", 500)


def _campaign(*customer_ids: str, offer=FIVE_OFF, name="Noel") -> dict[str, str]:
    today = date.today()
    CampaignService(Session(acting_as("Max", Role.MANAGER))).create(
        name,
        segment="vip",
        channel="email",
        starts=today - timedelta(days=1),
        ends=today + timedelta(days=10),
        offer=offer,
        customer_ids=customer_ids,
    )
    rows = database.execute_sql("SELECT customer_id, coupon_code FROM campaign_recipient")
    return dict(rows.fetchall())


def _customer(name: str) -> str:
    fields = {"last_name": name, "consent_email": True}
    return customers.create_customer(fields, actor="t", till_no=1, region="FR").id


async def test_the_attached_customers_coupon_is_offered_and_taken_once(settings):
    zoe, max_ = _customer("Vidal"), _customer("Martin")
    codes = _campaign(zoe, max_)
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, codes[zoe])
        assert "personal: attach its customer (VIDAL) first" in message(app)
        await scan(pilot, VIN)
        assert "Coupon" not in footer_text(app)
        await pilot.press("f2", *"vidal", "enter")
        await settle(pilot)
        money = app.register.money
        assert f"VIDAL attached. Coupon {money(500)} off: Ctrl+K." in message(app)
        assert "Coupon" in footer_text(app)
        await scan(pilot, codes[max_])  # the other customer's: refused, the sale goes on
        assert "MARTIN's: attach that customer to use it" in message(app)
        await pilot.press("ctrl+k")
        assert f"Coupon Noel taken: {money(500)} off." in message(app)
        assert app.screen.cart.total == 290
        await pilot.press("ctrl+k")  # again: taken off, and offered again
        assert "Coupon Noel taken off the sale." in message(app)
        assert app.screen.cart.total == 790 and "Coupon" in footer_text(app)
        await pilot.press("ctrl+k")
        assert app.screen.cart.total == 290
        assert "Coupon Noel" in str(app.screen.query_one("#cart").get_cell_at((0, 0)))
        await pilot.press("f10", "f3")  # by card
        await settle(pilot)
        assert "saved" in message(app)
        await pilot.press("f2", *"vidal", "enter")
        await settle(pilot)
        assert "Coupon" not in message(app)  # used: not offered again
        await scan(pilot, codes[zoe])
        assert f"Coupon {codes[zoe]} was already used." in message(app)


async def test_a_coupon_used_meanwhile_refuses_the_sale_and_lets_the_cashier_go_on(settings):
    zoe = _customer("Vidal")
    code = _campaign(zoe)[zoe]
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await pilot.press("f2", *"vidal", "enter")
        await settle(pilot)
        await pilot.press("ctrl+k")
        assert app.screen.cart.total == 290
        database.execute_sql(  # used on a sale paid while this one was parked
            "INSERT INTO coupon_redemption (id, code, campaign_id, customer_id, sale_id, till,"
            " at, from_feed) SELECT 'u1', coupon_code, campaign_id, customer_id, 's1', '01',"
            " '2026-12-01T10:00:00+00:00', 0 FROM campaign_recipient"
        )
        await pilot.press("f10", "f3")  # by card
        await settle(pilot)
        said = message(app)
        assert f"The sale is NOT saved: Coupon {code} was already used. Take the payment" in said
        assert "used.." not in said and not app.screen.cart.payments
        await pilot.press("ctrl+k")  # the coupon off, paid again at the full price
        assert app.screen.cart.total == 790
        await pilot.press("f10", "f3")
        await settle(pilot)
        assert "saved" in message(app) and "NOT" not in message(app)


async def test_the_campaigns_tab_at_80_columns(settings, monkeypatch):
    import threading

    from storage import campaigns

    zoe = _customer("Vidal")
    _campaign(zoe, name="Spring sale 2026")
    _campaign(zoe, offer=None, name="Newsletter")
    read_on, read = [], campaigns.received

    def received(customer_id):
        read_on.append(threading.current_thread() is threading.main_thread())
        return read(customer_id)

    monkeypatch.setattr(campaigns, "received", received)
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(CustomerViewScreen(zoe))
        await settle(pilot)
        assert read_on == [False]  # read off the event loop
        app.screen.query_one(TabbedContent).active = "tab-campaigns"
        await pilot.pause()
        table = app.screen.query_one("#customer-campaigns", DataTable)
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert {row[0] for row in rows} == {"Spring sale 2026", "Newsletter"}
        spring = next(row for row in rows if row[0] == "Spring sale 2026")
        assert spring[1] == "E-mail" and spring[3] == f"{app.register.money(500)} off"
        assert spring[5] == "not yet"
        assert next(row for row in rows if row[0] == "Newsletter")[3:6] == ["-", "-", "-"]
        summary = str(app.screen.query_one("#campaigns-summary").render())
        assert summary == "Received 2; coupons used: 0 of 1."
        shot = app.export_screenshot()
        assert spring[4] in shot  # the code shown whole within 80 columns
        assert table.virtual_size.width <= 80
