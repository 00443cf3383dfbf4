"""Price lists, promotions and costs in the catalog; discounts and export sales in the journal."""

from storage import catalog, customers, loyalty, outbox, sales
from till.config import Settings
from till.core.loyalty import LoyaltyProgram
from till.core.pricing import PriceTerms
from till.core.sale import Cart, PaymentMethod, SaleCustomer

from ..conftest import PRODUCTS, ean13

BAGUETTE, SAVON, VIN = PRODUCTS[0][0], PRODUCTS[2][0], PRODUCTS[3][0]


def _import_prices(text: str):
    rows, errors = catalog.parse_price_list_csv(text)
    report, unknown = catalog.import_price_list(rows)
    return report, errors + unknown


def test_a_price_list_prices_a_product_for_its_code_only(stocked_db):
    report, errors = _import_prices(f"price_code,barcode,price\nPRO,{VIN},6.50\nPRO,{SAVON},2\n")
    assert (report.added, errors) == (2, [])
    assert catalog.lookup(VIN, "PRO").code_price == 650
    assert catalog.lookup(VIN).code_price is None
    assert catalog.lookup(VIN, "OTHER").code_price is None
    assert catalog.lookup(BAGUETTE, "PRO").code_price is None  # not on the list
    vin_id, savon_id = catalog.lookup(VIN).product_id, catalog.lookup(SAVON).product_id
    assert catalog.code_prices("PRO", [vin_id, savon_id]) == {vin_id: 650, savon_id: 200}
    report, _ = _import_prices(f"price_code,barcode,price\nPRO,{VIN},6.00\n")
    assert (report.added, report.updated) == (0, 1)
    assert catalog.lookup(VIN, "PRO").code_price == 600


def test_bad_price_list_rows_are_refused_by_line(stocked_db):
    text = (
        "price_code,barcode,price\n"
        f"PRO,{VIN},abc\n"
        f",{VIN},1.00\n"
        f"PRO,{ean13(999)},1.00\n"  # a valid code no product has
        "PRO,1234,1.00\n"
        f"PRO,{SAVON},1.00\n"
        f"PRO,{SAVON},1.10\n"
    )
    report, errors = _import_prices(text)
    assert report.added == 1
    assert [line for line, _ in sorted(errors)] == [2, 3, 4, 5, 7]
    reasons = dict(errors)
    assert "no product has the barcode" in reasons[4]
    assert "already on line 6" in reasons[7]


def test_product_import_reads_cost_promotion_and_fixed_price(db_path):
    text = (
        "barcode,name,price,vat,category,cost,promo_price,discountable\n"
        f"{ean13(1)},Livre,20.00,5.5,Livres,12.00,,no\n"
        f"{ean13(2)},Vin,7.90,20,Cave,4.10,6.90,yes\n"
        f"{ean13(3)},Vin cher,7.90,20,Cave,4.10,9.90,\n"
        f"{ean13(4)},Vin,7.90,20,Cave,4.10,,maybe\n"
    )
    rows, errors = catalog.parse_product_csv(text, Settings().vat.rates)
    assert [line for line, _ in errors] == [4, 5]
    assert "above the price" in errors[0][1] and "yes or no" in errors[1][1]
    catalog.import_products(rows)
    book, wine = catalog.lookup(ean13(1)), catalog.lookup(ean13(2))
    assert (book.cost, book.promo_price, book.discountable) == (1200, None, False)
    assert (wine.cost, wine.promo_price, wine.discountable) == (410, 690, True)


def test_a_discounted_export_sale_is_journaled_with_its_discounts(stocked_db):
    customer = SaleCustomer(
        "cust",
        "C01-000001",
        "MARTIN",
        terms=PriceTerms(discount_bp=1000, discount_reason="VIP 10%"),
    )
    cart = Cart(customer=customer)
    cart.add(catalog.lookup(VIN), 2)
    cart.add(catalog.lookup(SAVON))
    cart.pay(PaymentMethod.CARD, cart.total)
    sale = sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR")
    stored = sales.get_sale(sale.receipt_code)
    assert stored.total == 1422 + 225  # 15.80 less 10 %, 2.50 less 10 %
    assert [(line.unit_price, line.discount, line.total, line.note) for line in stored.lines] == [
        (790, 158, 1422, "VIP 10%"),
        (250, 25, 225, "VIP 10%"),
    ]
    payload = outbox.pending()[-1]["payload"]
    assert payload["lines"][0]["discount"] == 158
    assert sales.verify_journal(1) == []

    export = Cart(
        customer=SaleCustomer("e", "C01-000002", "SMITH", terms=PriceTerms(tax_free=True))
    )
    export.add(catalog.lookup(VIN))
    export.pay(PaymentMethod.CASH, export.total)
    stored = sales.get_sale(
        sales.record_sale(export, till_no=1, seller="A", currency="EUR").receipt_code
    )
    assert stored.tax_free and stored.total == 658  # 7.90 before 20 % VAT
    assert [(v.rate_bp, v.vat) for v in stored.vat] == [(0, 0)]
    assert sales.verify_journal(1) == []


def test_fixed_price_products_earn_no_points(db_path):
    text = (
        "barcode,name,price,vat,category,cost,promo_price,discountable\n"
        f"{ean13(1)},Livre,20.00,5.5,Livres,,,no\n"
        f"{ean13(2)},Vin,10.00,20,Cave,,,\n"
    )
    rows, _ = catalog.parse_product_csv(text, Settings().vat.rates)
    catalog.import_products(rows)
    record = customers.create_customer({"last_name": "Lee"}, actor="t", till_no=1, region="FR")
    loyalty.issue_card(record.id, actor="t", till_no=1)
    cart = Cart(customer=SaleCustomer(record.id, record.code, "LEE", enrolled=True))
    cart.add(catalog.lookup(ean13(1)))
    cart.add(catalog.lookup(ean13(2)))
    cart.pay(PaymentMethod.CASH, cart.total)
    program = LoyaltyProgram(points_per_unit=1)
    sale = sales.record_sale(cart, till_no=1, seller="A", currency="EUR", loyalty_program=program)
    assert sale.points_earned == 10  # the wine's 10.00; the book earns nothing


def test_stock_is_set_by_import_when_given_and_follows_sales(db_path):
    header = "barcode,name,price,vat,stock\n"
    rows, errors = catalog.parse_product_csv(
        header + f"{ean13(1)},Vin,7.90,20,12\n{ean13(2)},Pain,1.20,5.5,\n{ean13(3)},X,1,20,many\n",
        Settings().vat.rates,
    )
    assert [line for line, _ in errors] == [4] and "whole number" in errors[0][1]
    catalog.import_products(rows)
    assert (catalog.stock_of(ean13(1)), catalog.stock_of(ean13(2))) == (12, 0)
    cart = Cart()
    cart.add(catalog.lookup(ean13(1)), 5)
    cart.pay(PaymentMethod.CASH, cart.total)
    sales.record_sale(cart, till_no=1, seller="A", currency="EUR")
    assert catalog.stock_of(ean13(1)) == 7
    reimport, _ = catalog.parse_product_csv(
        "barcode,name,price,vat\n" + f"{ean13(1)},Vin,7.50,20\n", Settings().vat.rates
    )
    catalog.import_products(reimport)  # a price change without a count keeps the stock
    assert catalog.stock_of(ean13(1)) == 7
