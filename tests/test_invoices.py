"""Invoices for business customers (docs/invoices.md): numbered per till without a gap, across
tills and restarts; one per sale; every mention French law requires in the PDF; the Factur-X
XML embedded, valid against the EN 16931 schema and holding the invoice's totals; a credit
note for a refund of an invoiced sale; nothing numbered when a mention is missing."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from pypdf import PdfReader

from storage import catalog, customers, invoices, returns, sales
from storage.db import close_database, open_database
from storage.models import database
from till.config import (
    InvoiceSettings,
    Settings,
    StoreSettings,
    TillSettings,
    settings_from_dict,
)
from till.core.customer import Address, Customer, CustomerKind
from till.core.invoice import (
    Credited,
    Invoice,
    InvoiceKind,
    InvoiceRefused,
    Mentions,
    Party,
    build_invoice,
    buyer_party,
    due_date,
    parse_terms,
)
from till.core.people import Actor, NotPermitted, Role, Session
from till.core.sale import Cart, PaymentMethod, RecordedLine, RecordedSale, SaleCustomer
from till.errors import ConfigError
from till.invoice_service import InvoiceService

from .conftest import PRODUCTS

SIRET = "30326504500011"
CUSTOMER_SIRET = "73282932000074"
RAM = "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
RSM = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}"
CASHIER = Session(Actor("u1", "Ann", Role.CASHIER, 1))
MANAGER = Actor("u2", "Max", Role.MANAGER, 1)
DUPONT = {
    "kind": "business",
    "last_name": "Dupont",
    "company": "Dupont SARL",
    "address1": "3 rue du Dépôt",
    "postcode": "69001",
    "city": "Lyon",
    "registration_number": CUSTOMER_SIRET,
}
"""A French business customer's file, as ``create_customer`` takes it."""


@pytest.fixture
def shop(settings: Settings) -> Settings:
    """The test shop with everything its invoices need."""
    return replace(
        settings,
        store=StoreSettings(
            name="Épicerie du Marché",
            address=("12 rue des Halles", "75001 Paris"),
            vat_number="FR40303265045",
            siret=SIRET,
        ),
        invoice=InvoiceSettings(legal_mentions=("SAS au capital de 10 000 €, RCS Paris",)),
    )


@pytest.fixture
def business(shop: Settings) -> Customer:
    """A business customer whose invoices go to a billing address, not their main one."""
    customer = customers.create_customer(
        {**DUPONT, "vat_number": "FR44732829320"},
        actor="test",
        till_no=1,
        region="FR",
    )
    customers.save_address(
        customer.id,
        Address(kind="billing", line1="BP 42, 8 quai Compta", postcode="69002", city="Lyon"),
        actor="test",
    )
    return customers.get_customer(customer.id)


def sell(customer: Customer | None, *quantities: int, till_no: int = 1, account: int = 0):
    """A sale of PRODUCTS[n] × quantities[n], paid by card (less ``account`` on account)."""
    cart = Cart()
    if customer is not None:
        cart.attach(SaleCustomer(customer.id, customer.code, customer.company, business=True))
    for (code, *_), quantity in zip(PRODUCTS, quantities, strict=False):
        if quantity:
            cart.add(catalog.lookup(code), quantity)
    if account:
        cart.pay(PaymentMethod.ACCOUNT, account)
    cart.pay(PaymentMethod.CARD, cart.remaining)
    return sales.record_sale(
        cart,
        till_no=till_no,
        seller="Ann",
        currency="EUR",
        print_receipt=False,
        account_credit=10**6,
    )


def refund_lines(receipt: str, quantities: dict[int, int], method: PaymentMethod) -> RecordedSale:
    """The return of ``quantities`` (line number → quantity) of ``receipt`` at till 1."""
    return returns.record_return(
        receipt, quantities, method, till_no=1, seller="Ann", currency="EUR", print_receipt=False
    )


def service(settings: Settings, till_no: int = 1, session: Session = CASHIER) -> InvoiceService:
    return InvoiceService(replace(settings, till=TillSettings(number=till_no)), session)


def plain(text: str) -> str:
    """Text with the no-break spaces babel writes as plain ones, lines joined."""
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


# --- payment terms -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "issued", "due"),
    [
        ("receipt", date(2026, 3, 14), date(2026, 3, 14)),
        ("net30", date(2026, 1, 31), date(2026, 3, 2)),
        ("net60", date(2026, 12, 15), date(2027, 2, 13)),
        ("eom", date(2026, 2, 3), date(2026, 2, 28)),
        ("eom", date(2028, 2, 3), date(2028, 2, 29)),  # a leap year
        ("net45eom", date(2026, 1, 20), date(2026, 3, 31)),  # 6 March, end of March
        ("net30eom", date(2026, 12, 10), date(2027, 1, 31)),
        (" NET 30 ", date(2026, 1, 1), date(2026, 1, 31)),
    ],
)
def test_due_dates_for_each_kind_of_terms(terms, issued, due):
    assert due_date(issued, terms) == due


@pytest.mark.parametrize("terms", ["net61", "net46eom", "net0", "30 days", "", "eom30", "net-5"])
def test_terms_the_law_or_the_grammar_refuse(terms):
    with pytest.raises(ValueError):
        parse_terms(terms)


def test_terms_keep_their_code():
    assert [parse_terms(t).code for t in ("receipt", "eom", "net30", "net45eom")] == [
        "receipt",
        "eom",
        "net30",
        "net45eom",
    ]


SELLER = Party("Shop", ("1 rue A",), "75001", "Paris", "FR", SIRET, "FR40303265045")
BUYER = Party("Client SA", ("2 rue B",), "69001", "Lyon", "FR", CUSTOMER_SIRET)
MENTIONS = Mentions("3 × the legal rate", 4000, "None.")


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 210, 550, 1000, 2000]),
            st.integers(1, 20),
            st.integers(1, 100_000),
        ),
        min_size=1,
        max_size=20,
    ),
    st.booleans(),
)
def test_the_lines_add_up_to_each_rate_and_the_total(items, refund):
    sign = -1 if refund else 1
    lines = tuple(
        RecordedLine(n, f"c{n}", "x", sign * quantity, price, rate, sign * quantity * price)
        for n, (rate, quantity, price) in enumerate(items, 1)
    )
    total = sum(line.total for line in lines)
    sale = RecordedSale(
        "s2",
        1,
        2,
        "01-000002",
        "2026-01-02T10:00:00+00:00",
        "Ann",
        "EUR",
        total,
        sum(line.quantity for line in lines),
        0,
        lines,
        (),
        (),
        refund_of_id="s1" if refund else None,
        refund_of="01-000001" if refund else "",
    )
    invoice = build_invoice(
        sale,
        seller=SELLER,
        buyer=BUYER,
        issue_date=date(2026, 1, 2),
        sale_date=date(2026, 1, 2),
        terms="net30",
        mentions=MENTIONS,
        credited=Credited("F01-000001", date(2026, 1, 1)) if refund else None,
    )
    assert invoice.total == sign * total and invoice.due == invoice.total
    for vat in invoice.vat:
        assert sum(line.net for line in invoice.lines if line.vat_rate_bp == vat.rate_bp) == vat.net
    assert all(line.quantity > 0 and line.net >= 0 for line in invoice.lines)


# --- numbering -----------------------------------------------------------------------------


def test_numbers_run_without_a_gap_per_till_across_tills_and_a_restart(shop, business):
    issued = [
        service(shop, till).issue(sell(business, 1, till_no=till).receipt_code)
        for till in (1, 2, 1)
    ]
    db_path = Path(shop.database.path)
    close_database()
    open_database(db_path)
    issued += [
        service(shop, till).issue(sell(business, 0, 1, till_no=till).receipt_code)
        for till in (2, 1, 1)
    ]

    codes = [i.invoice.number for i in issued]
    assert codes == [
        "F01-000001",
        "F02-000001",
        "F01-000002",
        "F02-000002",
        "F01-000003",
        "F01-000004",
    ]
    assert invoices.numbers(1) == [1, 2, 3, 4] and invoices.numbers(2) == [1, 2]
    dates = [i.invoice.issue_date for i in issued if i.invoice.number.startswith("F01")]
    assert dates == sorted(dates)


def test_asking_twice_gives_the_same_invoice(shop, business):
    sale = sell(business, 2)
    first = service(shop).issue(sale.receipt_code)
    again = service(shop).issue(sale.receipt_code)

    assert first.created and not again.created
    assert again.invoice == first.invoice and again.stored.id == first.stored.id
    assert invoices.numbers(1) == [1]


def test_an_invoice_is_never_changed_nor_removed(shop, business):
    service(shop).issue(sell(business, 1).receipt_code)
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE invoice SET total = 0")
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("DELETE FROM invoice")


# --- what is refused, before a number is taken ---------------------------------------------


def test_a_shop_without_its_siret_is_refused_and_no_number_is_taken(shop, business):
    sale = sell(business, 1)
    no_siret = replace(shop, store=replace(shop.store, siret=""))
    with pytest.raises(InvoiceRefused, match=r"\[store\] siret"):
        service(no_siret).issue(sale.receipt_code)
    assert invoices.numbers(1) == [] and invoices.for_sale(sale.id) is None

    assert service(shop).issue(sale.receipt_code).invoice.number == "F01-000001"


def test_a_business_without_a_billing_address_is_refused(shop):
    customer = customers.create_customer(
        {"kind": "business", "last_name": "Roy", "company": "Roy SA"},
        actor="test",
        till_no=1,
        region="FR",
    )
    sale = sell(customer, 1)
    with pytest.raises(InvoiceRefused) as refused:
        service(shop).issue(sale.receipt_code)
    message = str(refused.value)
    assert customer.code in message
    assert "Address" in message and "Postcode" in message and "Registration (SIRET)" in message
    assert invoices.numbers(1) == []


def test_a_walk_in_sale_is_refused(shop):
    sale = sell(None, 1)
    with pytest.raises(InvoiceRefused, match="no customer"):
        service(shop).issue(sale.receipt_code)
    assert invoices.numbers(1) == []


# --- the PDF and its Factur-X XML ----------------------------------------------------------


def test_every_mandatory_mention_is_in_the_pdf(shop, business):
    sale = sell(business, 3, 0, 0, 1, 2)
    issued = service(shop).issue(sale.receipt_code)
    invoice = issued.invoice
    money = service(shop).money
    text = plain(
        "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(service(shop).pdf(invoice))).pages
        )
    )

    mentions = [
        # the seller
        "Épicerie du Marché",
        "12 rue des Halles",
        "75001 Paris",
        f"SIRET {SIRET}",
        "SIREN 303265045",
        "FR40303265045",
        "SAS au capital de 10 000 €, RCS Paris",
        # the customer, at their billing address
        "Dupont SARL",
        "BP 42, 8 quai Compta",
        "69002 Lyon",
        "SIREN 732829320",
        "FR44732829320",
        # number and dates
        "Invoice F01-000001",
        "Date: ",
        "Date of sale: ",
        "receipt 01-000001",
        # totals
        f"Total excl. VAT {money(invoice.net)}",
        f"VAT {money(invoice.tax)}",
        f"Total incl. VAT {money(invoice.total)}",
        # payment
        "Payment terms: Net 30 days",
        f"Due date: {service(shop).formats.date(invoice.due_date)}",
        "Late payment penalties: 3 × the legal interest rate",
        "Fixed indemnity for recovery costs in case of late payment: 40,00 €",
        "Early payment: No discount for early payment.",
    ]
    assert [m for m in mentions if plain(m) not in text] == []
    assert "3 rue du Dépôt" not in text  # the main address: the billing one replaces it
    for line in invoice.lines:  # each line with its VAT rate
        rate = service(shop).formats.rate(line.vat_rate_bp)
        assert plain(f"{line.quantity} {money(line.unit_price)} {rate} {money(line.net)}") in text
    assert invoice.total == sale.total and invoice.due == 0


def _xml(settings: Settings, invoice) -> etree._Element:
    pdf = service(settings).pdf(invoice)
    name, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    assert name == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    return etree.fromstring(xml)


def _amount(root: etree._Element, path: str) -> Decimal:
    return Decimal(root.findtext(path.replace("ram:", RAM)))


def test_the_embedded_xml_is_valid_and_holds_the_totals(shop, business):
    sale = sell(business, 3, 2, 1, 1, 2, account=500)
    invoice = service(shop).issue(sale.receipt_code).invoice
    root = _xml(shop, invoice)

    summary = ".//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    cents = Decimal("0.01")
    assert _amount(root, summary + "TaxBasisTotalAmount") == invoice.net * cents
    assert _amount(root, summary + "TaxTotalAmount") == invoice.tax * cents
    assert _amount(root, summary + "GrandTotalAmount") == sale.total * cents
    assert _amount(root, summary + "DuePayableAmount") == 500 * cents  # what the account owes
    lines = [Decimal(e.text) for e in root.iter(f"{RAM}LineTotalAmount")][:-1]
    assert sum(lines) == _amount(root, summary + "LineTotalAmount")  # BR-CO-10
    for tax in root.iter(f"{RAM}ApplicableTradeTax"):
        if tax.find(f"{RAM}BasisAmount") is None:
            continue  # a line's
        rate = Decimal(tax.findtext(f"{RAM}RateApplicablePercent"))
        basis = Decimal(tax.findtext(f"{RAM}BasisAmount"))
        of_rate = [
            Decimal(item.findtext(f".//{RAM}LineTotalAmount"))
            for item in root.iter(f"{RAM}IncludedSupplyChainTradeLineItem")
            if Decimal(item.findtext(f".//{RAM}RateApplicablePercent")) == rate
        ]
        assert sum(of_rate) == basis  # BR-S-08
        assert abs(Decimal(tax.findtext(f"{RAM}CalculatedAmount")) - basis * rate / 100) <= 1
    assert root.findtext(f"{RSM}ExchangedDocument/{RAM}ID") == invoice.number
    assert root.findtext(f".//{RAM}TypeCode") == "380"
    seller = root.find(f".//{RAM}SellerTradeParty")
    assert seller.findtext(f"{RAM}SpecifiedLegalOrganization/{RAM}ID") == "303265045"
    assert seller.findtext(f"{RAM}SpecifiedTaxRegistration/{RAM}ID") == "FR40303265045"
    buyer = root.find(f".//{RAM}BuyerTradeParty")
    assert buyer.findtext(f"{RAM}PostalTradeAddress/{RAM}LineOne") == "BP 42, 8 quai Compta"


# --- credit notes --------------------------------------------------------------------------


def test_a_credit_note_for_a_refund_of_an_invoiced_sale(shop, business):
    sale = sell(business, 3, 0, 0, 1)
    invoice = service(shop).issue(sale.receipt_code).invoice
    refund = refund_lines(sale.receipt_code, {1: 2}, PaymentMethod.CARD)

    with pytest.raises(NotPermitted):  # a cashier alone: what a refund takes
        service(shop).issue(refund.receipt_code)
    assert invoices.numbers(1) == [1]
    note = service(shop).issue(refund.receipt_code, MANAGER).invoice

    assert note.kind is InvoiceKind.CREDIT_NOTE
    assert (note.number, note.credits, note.credits_date) == (
        "F01-000002",
        invoice.number,
        invoice.issue_date,
    )
    assert note.total == -refund.total > 0 and [line.quantity for line in note.lines] == [2]
    assert note.due == 0 and note.paid == note.total  # refunded by card at the till
    root = _xml(shop, note)
    assert root.findtext(f".//{RAM}TypeCode") == "381"
    referenced = root.find(f".//{RAM}InvoiceReferencedDocument")
    assert referenced.findtext(f"{RAM}IssuerAssignedID") == invoice.number
    stored = invoices.get_invoice(invoice.number)
    assert invoices.credit_notes_of(stored.id) == ["F01-000002"]
    text = service(shop).text(note)
    assert "CREDIT NOTE" in text and f"Corrects invoice {invoice.number}" in text


def test_a_refund_of_a_sale_never_invoiced_gets_no_credit_note(shop, business):
    sale = sell(business, 1)
    refund = refund_lines(sale.receipt_code, {1: 1}, PaymentMethod.CASH)
    with pytest.raises(InvoiceRefused, match="has no invoice"):
        service(shop).issue(refund.receipt_code, MANAGER)
    assert invoices.numbers(1) == []


# --- configuration -------------------------------------------------------------------------


def test_the_invoice_settings_are_read_and_checked():
    read = settings_from_dict(
        {
            "store": {"siret": SIRET},
            "invoice": {"payment_terms": "net45eom", "recovery_indemnity": 4000},
        }
    )
    assert read.store.siret == SIRET and read.invoice.payment_terms == "net45eom"
    for bad, key in [
        ({"store": {"siret": "30326504500012"}}, r"\[store\] siret"),
        ({"invoice": {"payment_terms": "net90"}}, r"\[invoice\] payment_terms"),
        ({"invoice": {"recovery_indemnity": -1}}, r"\[invoice\] recovery_indemnity"),
        ({"invoice": {"penalty_rate": "3\x1b[2J"}}, r"\[invoice\] penalty_rate"),
        ({"invoice": {"operation": "rentals"}}, r"\[invoice\] operation"),
    ]:
        with pytest.raises(ConfigError, match=key):
            settings_from_dict(bad)


def test_a_foreign_business_needs_no_siren_but_a_french_one_does():
    german = Customer(
        "c1",
        "C01-000001",
        CustomerKind.BUSINESS,
        last_name="Schmidt",
        company="Schmidt GmbH",
        address1="Hauptstr. 1",
        postcode="10115",
        city="Berlin",
        country="DE",
        vat_number="DE136695976",
    )
    party = buyer_party(german, "FR")
    assert (party.name, party.country, party.siren) == ("Schmidt GmbH", "DE", "")
    with pytest.raises(InvoiceRefused, match=r"Registration \(SIRET\)"):
        buyer_party(replace(german, country=""), "FR")  # no country: the shop's own


def one_line_invoice(name: str, *, seller: Party = SELLER, buyer: Party = BUYER) -> Invoice:
    """The invoice, due on receipt, of a sale of one line named ``name`` (7.90 at 20 %)."""
    line = RecordedLine(1, "c1", name, 1, 790, 2000, 790)
    sale = RecordedSale(
        "s1",
        1,
        1,
        "01-000001",
        "2026-01-02T10:00:00+00:00",
        "Ann",
        "EUR",
        790,
        1,
        0,
        (line,),
        (),
        (),
    )
    return build_invoice(
        sale,
        seller=seller,
        buyer=buyer,
        issue_date=date(2026, 1, 2),
        sale_date=date(2026, 1, 2),
        terms="receipt",
        mentions=MENTIONS,
    )


def test_stored_text_never_reaches_the_terminal_or_the_xml_as_commands():
    invoice = one_line_invoice(
        "Vin\x1b[2J rouge\x07", buyer=replace(BUYER, name="Client\x1b]0;owned\x07 SA")
    )
    from devices.invoice_pdf import invoice_view, render_text
    from devices.invoice_xml import invoice_xml
    from till.core.formats import formats_for
    from till.core.money import MoneyFormat

    text = render_text(invoice_view(invoice, MoneyFormat("EUR", "fr_FR"), formats_for("fr_FR")))
    xml = invoice_xml(invoice.numbered("F01-000001"), 2, {})
    assert "Vin[2J rouge" in text and "\x1b" not in text and "\x07" not in text
    assert b"\x1b" not in xml and facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")


def test_characters_xml_cannot_hold_are_left_out_of_the_invoice_not_fatal_to_it():
    invoice = one_line_invoice(
        "Vin\uffff rouge\ufffe",
        seller=replace(SELLER, name="Shop\uffff"),
        buyer=replace(BUYER, city="Lyon\uffff"),
    ).numbered("F01-000001")
    from devices.invoice_pdf import invoice_pdf, invoice_view
    from devices.invoice_xml import invoice_xml
    from till.core.formats import formats_for
    from till.core.money import MoneyFormat

    xml = invoice_xml(invoice, 2, {})
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert root.findtext(f".//{RAM}SpecifiedTradeProduct/{RAM}Name") == "Vin rouge"
    view = invoice_view(invoice, MoneyFormat("EUR", "fr_FR"), formats_for("fr_FR"))
    pdf = invoice_pdf(view, xml, title=view.heading[0])
    assert PdfReader(io.BytesIO(pdf)).metadata.author == "Shop"
