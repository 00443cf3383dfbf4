"""The rest of invoices (docs/invoices.md): issued automatically after a sale for a customer
so flagged (a credit note for its refund), the customer's payment terms, an invoice left to
pay on the customer's account (due and overdue, payments settling the oldest first), the
``invoice`` event, and the bounds of the shop's invoice texts."""

# ruff: noqa: F811  (the fixtures imported from test_invoices)
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from storage import accounts, customers, events, invoices, outbox
from storage.personal_data import personal_data
from tests.test_invoices import (  # noqa: F401  (fixtures)
    CASHIER,
    DUPONT,
    MANAGER,
    business,
    refund_lines,
    sell,
    service,
    shop,
)
from till.config import MAX_INVOICE_TEXT, settings_from_dict
from till.core.invoice import InvoiceKind
from till.core.invoice_account import Issued, invoices_due
from till.core.sale import PaymentMethod
from till.errors import ConfigError
from till.register import Register


def flagged(**fields) -> customers.Customer:
    """A French business customer invoiced automatically."""
    customer = customers.create_customer(
        {**DUPONT, "invoice_automatically": True, **fields}, actor="test", till_no=1, region="FR"
    )
    return customers.get_customer(customer.id)


# --- what the account still owes ------------------------------------------------------------


def test_payments_settle_the_oldest_invoice_first():
    old = Issued("F01-000001", date(2026, 10, 1), date(2026, 10, 31), 10_000)
    new = Issued("F01-000002", date(2026, 11, 20), date(2026, 12, 20), 5_000)
    today = date(2026, 12, 2)

    due = invoices_due([new, old], balance=-12_000, today=today)

    assert [(u.number, u.amount, u.overdue) for u in due.unpaid] == [
        ("F01-000001", 7_000, True),
        ("F01-000002", 5_000, False),
    ]
    assert (due.total, due.overdue) == (12_000, 7_000)
    assert invoices_due([old, new], balance=-4_000, today=today).unpaid[0].number == new.number
    assert invoices_due([old, new], balance=0, today=today).unpaid == ()
    assert invoices_due([old], balance=-99_999, today=today).total == 10_000


def test_an_invoice_left_to_pay_is_due_on_the_account_until_paid(shop, business):
    sale = sell(business, 2, 1, account=100)
    invoice = service(shop).issue(sale.receipt_code).invoice
    balance = accounts.balance(business.id)
    assert invoice.due == 100 == -balance

    due = service(shop).due(business.id, balance, invoice.due_date)
    assert [(u.number, u.amount, u.overdue) for u in due.unpaid] == [(invoice.number, 100, False)]
    later = service(shop).due(business.id, balance, date(invoice.due_date.year + 1, 1, 1))
    assert later.overdue == 100

    accounts.deposit(business.id, 100, "cash", actor="test")
    assert service(shop).due(business.id, accounts.balance(business.id), date.today()).unpaid == ()


# --- payment terms ---------------------------------------------------------------------------


def test_the_customers_terms_come_before_the_shops_and_terms_typed_before_both(shop):
    net45 = flagged(payment_terms="net45")
    plain = customers.create_customer(
        {**DUPONT, "company": "Martin SA"}, actor="test", till_no=1, region="FR"
    )
    assert service(shop).issue(sell(net45, 1).receipt_code).invoice.terms == "net45"
    assert service(shop).issue(sell(net45, 1).receipt_code, terms="eom").invoice.terms == "eom"
    assert service(shop).issue(sell(plain, 1).receipt_code).invoice.terms == "net30"


# --- issued automatically -------------------------------------------------------------------


def test_a_flagged_customers_sale_and_its_refund_are_invoiced_automatically(shop, business):
    customer = flagged()
    sale = sell(customer, 2)
    issued = service(shop).automatic(sale)
    assert issued is not None and issued.created
    assert service(shop).automatic(sale) is None  # it has one now
    assert service(shop).automatic(sell(business, 1)) is None  # not flagged

    refund = refund_lines(sale.receipt_code, {1: 1}, PaymentMethod.CASH)
    with pytest.raises(Exception, match="manager"):
        service(shop, session=CASHIER).automatic(refund)
    note = service(shop).automatic(refund, MANAGER)
    assert note is not None and note.invoice.kind is InvoiceKind.CREDIT_NOTE
    assert note.invoice.credits == issued.invoice.number


def test_an_invoice_that_cannot_be_issued_keeps_the_sale_and_says_why(shop):
    without_siret = replace(shop, store=replace(shop.store, siret=""))
    register = Register(without_siret)
    try:
        sale = sell(flagged(), 1)
        outcome = register.invoice_automatically(sale)
        assert outcome is not None and outcome.number == ""
        assert "siret" in str(outcome.refusal).lower()
        assert register.automatic_invoices[sale.id] is outcome
        assert invoices.numbers(1) == [] and register.sale(sale.receipt_code).id == sale.id
    finally:
        register.close()


def test_a_bug_in_the_invoice_code_is_told_and_the_sale_kept(shop, monkeypatch):
    def broken(*_):
        raise RuntimeError("boom")

    register = Register(shop)
    try:
        monkeypatch.setattr(type(register.invoices), "automatic", broken)
        sale = sell(flagged(), 1)
        outcome = register.invoice_automatically(sale)
        assert str(outcome.refusal) == "an unexpected error (RuntimeError)"
        assert register.sale(sale.receipt_code).id == sale.id
    finally:
        register.close()


def test_the_register_issues_the_invoice_and_writes_its_pdf(shop):
    register = Register(shop)
    try:
        sale = sell(flagged(), 1)
        outcome = register.invoice_automatically(sale)
        assert outcome is not None and outcome.number == "F01-000001"
        assert outcome.path is not None and Path(outcome.path).read_bytes().startswith(b"%PDF")
    finally:
        register.close()


def test_the_refunds_approval_issues_its_credit_note(shop):
    register = Register(shop)  # a cashier logged in
    try:
        sale = sell(flagged(), 2)
        assert register.invoice_automatically(sale).number == "F01-000001"
        refund = register.record_return(sale.receipt_code, {1: 1}, PaymentMethod.CASH, MANAGER)
        outcome = register.invoice_automatically(refund)
        assert outcome is not None and (outcome.number, outcome.refusal) == ("F01-000002", None)
        note = invoices.for_sale(refund.id)
        assert note is not None and note.invoice.kind is InvoiceKind.CREDIT_NOTE
        assert "approved by Max" in note.actor
    finally:
        register.close()


# --- the event log and the outbox -----------------------------------------------------------


def test_issuing_writes_an_invoice_event_and_queues_it_for_the_back_office(shop, business):
    sale = sell(business, 1, account=50)
    invoice = service(shop).issue(sale.receipt_code).invoice

    (event,) = events.recent(kind=events.INVOICE)
    assert event.details["number"] == invoice.number and event.details["due"] == 50
    assert event.details["automatic"] is False
    (change,) = [c for c in outbox.pending(1_000) if c["entity"] == "invoice"]
    assert change["payload"]["code"] == invoice.number
    assert change["payload"]["document"]["number"] == invoice.number


def test_the_customers_invoices_are_in_what_the_till_holds_about_them(shop, business):
    invoice = service(shop).issue(sell(business, 1, account=50).receipt_code).invoice
    held = personal_data(business.id)["customer"]["invoices"]
    assert held == [
        {
            "code": invoice.number,
            "kind": "invoice",
            "issue_date": invoice.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "total": invoice.total,
            "due": 50,
        }
    ]


# --- the shop's invoice texts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("invoice", "said"),
    [
        ({"penalty_rate": "x" * (MAX_INVOICE_TEXT + 1)}, r"\[invoice\] penalty_rate: at most"),
        ({"early_payment": "x" * (MAX_INVOICE_TEXT + 1)}, r"\[invoice\] early_payment: at most"),
        ({"legal_mentions": ["x" * (MAX_INVOICE_TEXT + 1)]}, r"legal_mentions: at most 300 char"),
        ({"legal_mentions": ["SAS"] * 7}, r"\[invoice\] legal_mentions: at most 6 lines"),
    ],
)
def test_the_shops_invoice_texts_are_bounded(invoice, said):
    with pytest.raises(ConfigError, match=said):
        settings_from_dict({"invoice": invoice})
    settings_from_dict({"invoice": {"penalty_rate": "x" * MAX_INVOICE_TEXT}})
