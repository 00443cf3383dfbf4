"""Invoices reach the back office (docs/invoices.md, "Sync"): an invoice issued on a till
arrives with the real server on SQLite and PostgreSQL, once however often it is pushed; a
number of a till's series already used by another invoice is refused; a hostile invoice
payload is refused before anything is stored."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest

from storage import customers, invoices, outbox, sales
from storage.catalog import lookup
from storage.migrations import load
from storage.models import database
from sync.fields import ProtocolError
from sync.protocol import PushBatch
from sync.server.models import ServerInvoice
from tests.sync.sync_till import stock
from tests.test_invoices import CUSTOMER_SIRET, DUPONT, SIRET
from till.config import Settings, StoreSettings, TillSettings
from till.core.invoice import Mentions, Party, build_invoice
from till.core.sale import Cart, PaymentMethod, RecordedSale, SaleCustomer
from till.errors import SyncError
from till.invoice_service import InvoiceService

from ..conftest import PRODUCTS


def invoice_on(till: Any, quantity: int = 1, customer_id: str = "") -> str:
    """A business customer's sale on ``till``, half on account, and its invoice's number
    (the customer: a new one unless ``customer_id`` says)."""
    till.use()
    customer = (
        customers.get_customer(customer_id)
        if customer_id
        else customers.create_customer(DUPONT, actor="t", till_no=till.till_no, region="FR")
    )
    cart = Cart(customer=SaleCustomer(customer.id, customer.code, "Dupont SARL", business=True))
    cart.add(lookup(PRODUCTS[3][0]), quantity)
    cart.pay(PaymentMethod.ACCOUNT, cart.total // 2)
    cart.pay(PaymentMethod.CARD, cart.remaining)
    sale = sales.record_sale(
        cart, till_no=till.till_no, seller="Ann", currency="EUR", account_credit=10**6
    )
    settings = Settings(
        store=StoreSettings(name="Épicerie", address=("1 rue",), vat_number="FR1", siret=SIRET),
        till=TillSettings(number=till.till_no),
    )
    return InvoiceService(settings, "Ann").issue(sale.receipt_code).invoice.number


def issue_directly(sale: RecordedSale, customer_id: str) -> None:
    """The invoice of ``sale`` issued without the shop's settings (for a test of payloads)."""
    seller = Party("Shop", ("1 rue",), "75001", "Paris", "FR", SIRET, "FR40303265045")
    buyer = Party("Buyer", ("2 rue",), "69001", "Lyon", "FR", CUSTOMER_SIRET)
    today = date.today()
    draft = build_invoice(
        sale,
        seller=seller,
        buyer=buyer,
        issue_date=today,
        sale_date=today,
        terms="net30",
        mentions=Mentions("3 × the legal rate", 4_000, "No discount."),
    )
    invoices.issue_invoice(draft, till_no=1, customer_id=customer_id, actor="Ann")


def test_an_invoice_issued_on_a_till_arrives_at_the_back_office(server, make_till):
    north = make_till("north", 1)
    stock(north)
    number = invoice_on(north, 2)
    north.sync()
    north.sync()  # again: kept once

    (kept,) = ServerInvoice.select()
    assert (kept.code, kept.till, kept.kind) == (number, "north", "invoice")
    document = json.loads(kept.document)
    assert document["number"] == number and document["buyer"]["name"] == "Dupont SARL"
    assert kept.total == 2 * 790 and kept.due == 790
    assert [e.entity for e in server.feed()].count("invoice") == 1

    twin = make_till("twin", 1)  # a second till given the same number
    stock(twin)
    twin.sync()  # the customer, from north
    assert invoice_on(twin, customer_id=kept.customer_id) == number
    with pytest.raises(SyncError, match=f"Invoice {number} from till twin is another invoice"):
        twin.sync()
    assert ServerInvoice.select().count() == 1


def _invoice_change(stocked_db) -> dict[str, Any]:
    class Here:
        till_no = 1

        def use(self) -> None:
            pass

    invoice_on(Here())
    (change,) = [c for c in outbox.pending(1_000) if c["entity"] == "invoice"]
    return {key: change[key] for key in ("seq", "entity", "entity_id", "operation", "payload")}


def _pushed(change: dict[str, Any]) -> PushBatch:
    return PushBatch.from_json({"v": 1, "till": "north", "key": "k", "changes": [change]})


@pytest.mark.parametrize(
    ("path", "value", "said"),
    [
        (("code",), "F02-000001", "must be stored as F01-000001"),
        (("document", "buyer", "name"), "Dupont\x1b[2J", "control character"),
        (("document", "buyer", "lines"), ["x"] * 21, "at most 20"),
        (("document", "lines", 0, "net"), 1, "the lines come to"),
        (("document", "issue_date"), "yesterday", "must be a date"),
        (("document", "number"), "F01-000002", "must be stored as F01-000001"),
        (("document", "mentions", "penalty_rate"), "x" * 1_001, "longer than 1,000"),
        (("document", "surprise"), 1, "not part of this protocol version"),
    ],
)
def test_a_hostile_invoice_is_refused(stocked_db, path, value, said):
    change = _invoice_change(stocked_db)
    assert len(_pushed(change).changes) == 1  # as the till writes it: taken

    tampered = copy.deepcopy(change)
    where = tampered["payload"]
    for key in path[:-1]:
        where = where[key]
    where[path[-1]] = value
    with pytest.raises(ProtocolError, match=said):
        _pushed(tampered)


def test_invoices_issued_before_they_were_synced_are_queued_once(stocked_db):
    sent = _invoice_change(stocked_db)
    database.execute_sql("DELETE FROM outbox WHERE entity = 'invoice'")  # as before m0028

    migration = load("m0028_invoices_to_sync")
    migration.up(database)
    migration.up(database)  # again: nothing more

    (queued,) = [c for c in outbox.pending(1_000) if c["entity"] == "invoice"]
    assert queued["payload"] == sent["payload"] and queued["entity_id"] == sent["entity_id"]
    assert len(_pushed({**sent, "payload": queued["payload"]}).changes) == 1
