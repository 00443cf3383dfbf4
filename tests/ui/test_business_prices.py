"""Business customers see prices excluding tax, on screen and on the receipt, with the tax."""

from hypothesis import given
from hypothesis import strategies as st

from storage import customers, sales
from till.core.tax import net_of, split_gross
from till.widgets.cart import CartTable

from ..conftest import PRODUCTS
from ..escpos_decoder import decode
from .conftest import scan

VIN, SAVON = PRODUCTS[3][0], PRODUCTS[2][0]  # 7.90 and 2.50, both at 20%


async def test_b2b_prices_excluding_tax_on_screen_and_receipt(app, printer_file):
    firm = customers.create_customer(
        {
            "last_name": "Durand",
            "kind": "business",
            "company": "Durand SARL",
            "email": "compta@durand.example",
        },
        actor="t",
        till_no=1,
        region="FR",
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, VIN)
        await scan(pilot, VIN)
        await scan(pilot, SAVON)
        table = app.screen.query_one(CartTable)
        assert str(table.get_cell_at((0, 2))).startswith("7,90")  # walk-in: incl. tax
        await pilot.press("f2", *"durand", "enter")
        assert str(table.get_cell_at((0, 2))).startswith("6,58")  # 7.90 / 1.2
        assert str(table.get_cell_at((0, 3))).startswith("13,17")  # 15.80 / 1.2
        total = str(app.screen.query_one("#total").render())
        assert "Excl. VAT 15,25" in total and "TOTAL 18,30" in total
        await pilot.press("f2", "f9")  # back to walk-in: prices incl. tax again
        assert str(table.get_cell_at((0, 2))).startswith("7,90")
        await pilot.press("f2", *"durand", "enter", "f10", "f3")
        await app.workers.wait_for_complete()
        await pilot.pause()
    sale = sales.get_sale("01-000001")
    assert sale.prices_excl_tax and sale.total == 1830  # the same money, shown another way
    assert sale.customer.id == firm.id
    text = decode(printer_file.read_bytes()).text
    assert "Total excl. VAT" in text and "15,25 €" in text
    assert "VAT 20 %" in text and "3,05 €" in text  # the rate as fr_FR writes it
    assert "TOTAL incl. VAT" in text and "18,30 €" in text
    assert "  2 x 6,58 €" in text
    assert sales.verify_journal(1) == []  # the flag is part of the hashed journal


@given(st.integers(0, 10**8), st.sampled_from([0, 210, 550, 1000, 2000]))
def test_a_line_excluding_tax_plus_its_tax_is_the_line(gross, rate_bp):
    net = net_of(gross, rate_bp)
    assert net == split_gross(gross, rate_bp)[0]
    assert 0 <= net <= gross
    assert abs(net * (10_000 + rate_bp) - gross * 10_000) <= (10_000 + rate_bp) // 2
