"""A person anonymised on one till is erased from the back office (its tables and its feed)
and from every till by sync; an edit another till made offline does not bring their values
back; the journal still verifies."""

from __future__ import annotations

import json
from typing import Any

from peewee import TextField

from storage import customer_privacy, customers, loyalty, sales
from storage.models import AuditLog
from storage.models import database as till_database
from sync.server.models import SERVER_MODELS, ServerCustomer
from tests.storage.test_customer_privacy import scan
from tests.sync.sync_till import stock
from till.core.customer import Address
from till.core.privacy import ANONYMOUS_NAME
from till.core.sale import Cart, PaymentMethod, ReceiptHeader, SaleCustomer

PERSON = {
    "last_name": "Zanzibarova",
    "first_name": "Quentinella",
    "email": "quentinella.zanzibarova@example.org",
    "mobile": "06 12 34 56 78",
    "address1": "17 rue des Zinnias",
    "city": "Quillanbourg",
    "notes": "Allergique aux zinnias violets",
    "external_codes": {"shopify": "SHZ-778899-QX"},
}
OFFLINE_NOTE = "Prefere Zeppelinstrasse"
VALUES = [
    "zanzibarova",
    "quentinella",
    "+33612345678",
    "17 rue des zinnias",
    "quillanbourg",
    "zinnias violets",
    "shz-778899-qx",
    "88 quxley avenue",
    "zorgburg",
    "zeppelinstrasse",
]


def server_scan(values: list[str]) -> dict[str, list[str]]:
    """Every text column of every server table, on SQLite or PostgreSQL alike."""
    found: dict[str, list[str]] = {}
    for model in SERVER_MODELS:
        columns = [f for f in model._meta.sorted_fields if isinstance(f, TextField)]
        if not columns:
            continue
        for row in model.select(*columns).tuples():
            for column, cell in zip(columns, row, strict=True):
                for value in values:
                    if isinstance(cell, str) and value in cell.lower():
                        found.setdefault(value, []).append(
                            f"{model._meta.table_name}.{column.name}"
                        )
    return found


def _sale(customer: Any) -> None:
    from storage import catalog
    from tests.conftest import PRODUCTS

    cart = Cart()
    cart.attach(SaleCustomer(customer.id, customer.code, customer.display_name), {})
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR", header=ReceiptHeader("Shop"))


def test_an_anonymised_customer_is_erased_from_the_server_and_every_till(server, make_till):
    north, south = make_till("north", 1), make_till("south", 2)
    stock(north)
    person = customers.create_customer(PERSON, actor="test", till_no=1, region="FR")
    customers.save_address(
        person.id, Address("delivery", "88 Quxley Avenue", city="Zorgburg"), actor="test"
    )
    loyalty.issue_card(person.id, actor="test", till_no=1)
    _sale(customers.get_customer(person.id))
    north.sync()
    south.sync()
    south.use()
    assert customers.get_customer(person.id).city == "Quillanbourg"
    assert server_scan(VALUES), "the server holds the person before"

    customers.update_customer(person.id, {"notes": OFFLINE_NOTE}, actor="test", region="FR")
    north.use()
    customer_privacy.anonymise(person.id, actor="test", approved_by="manager")
    north.sync()
    south.sync()  # pushes its offline edit, pulls the erasure
    north.sync()  # pulls the offline edit: not applied
    south.sync()

    assert server_scan(VALUES) == {}
    fields = json.loads(ServerCustomer.get_by_id(person.id).fields)
    assert fields["last_name"] == ANONYMOUS_NAME
    for till in (north, south):
        till.use()
        assert scan(VALUES) == {}, till.name
        erased = customers.get_customer(person.id)
        assert (erased.last_name, erased.code) == (ANONYMOUS_NAME, person.code)
    north.use()
    assert sales.verify_journal(1) == []
    ignored = AuditLog.select().where(AuditLog.action == "ignored")
    assert [(row.entity_id, row.actor) for row in ignored] == [(person.id, "till south")]
    assert till_database.execute_sql(
        "SELECT COUNT(*) FROM outbox WHERE operation = 'anonymise'"
    ).fetchone() == (1,)


def _change(seq: int, operation: str, payload: dict[str, Any], customer_id: str) -> dict[str, Any]:
    return {
        "seq": seq,
        "entity": "customer",
        "entity_id": customer_id,
        "operation": operation,
        "payload": {"v": 1, "id": customer_id, "at": "2026-12-01T10:00:00+00:00", **payload},
    }


def test_a_change_sent_again_erased_is_the_same_change(server):
    from till.core.privacy import erased_payload

    token = server.add_till("north")
    cid = "0193a1b2-0000-7000-8000-00000000aaaa"
    fields = {"last_name": "Zanzibarova", "city": "Quillanbourg"}
    create = _change(1, "create", {"code": "C01-000001", "fields": fields}, cid)
    erased = {**create, "payload": erased_payload("customer", create["payload"])}
    anonymise = _change(2, "anonymise", {"actor": "x", "approved_by": "m"}, cid)

    def push(http: Any, key: str, *changes: dict[str, Any]) -> Any:
        return http.post("/v1/push", json={"v": 1, "till": "north", "key": key, "changes": changes})

    with server.http(token) as http:
        first = push(http, "k1", create)
        # the answer was lost; the till anonymised them meanwhile, erasing its unsent change
        same_key = push(http, "k1", erased)
        more = push(http, "k2", erased, anonymise)
        other_code = {**erased, "payload": {**erased["payload"], "code": "C01-000009"}}
        forged = push(http, "k3", other_code)
    assert first.status_code == same_key.status_code == more.status_code == 200
    assert same_key.json() == first.json()
    assert (more.json()["accepted"], more.json()["duplicates"]) == (1, 1)
    assert forged.status_code == 422
    assert server_scan(["zanzibarova", "quillanbourg"]) == {}
