"""A person's data (GDPR): the export holds every value this till has of them, and after
anonymising, no text column of any table (FTS index and its shadow tables included) holds
any, while the journal verifies and the figures and balances are what they were."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from stdnum import luhn

from storage import (
    accounts,
    catalog,
    customer_privacy,
    journal_names,
    loyalty,
    open_sale,
    outbox,
    parked,
    remote_sales,
    sales,
)
from storage.customers import get_customer, save_address
from storage.models import Outbox, database
from till.core.customer import Address
from till.core.privacy import ANONYMOUS_NAME
from till.core.sale import Cart, PaymentMethod
from till.core.text import fold
from till.errors import TillError
from till.register import Register

from ..conftest import PRODUCTS


def _siren() -> str:
    body = "73282932"
    return body + luhn.calc_check_digit(body)


def _vat(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


SIREN = _siren()
SIRET = SIREN + "0004" + luhn.calc_check_digit(SIREN + "0004")
PERSON = {
    "kind": "business",
    "title": "Dr",
    "last_name": "Zanzibarova",
    "first_name": "Quentinella",
    "nickname": "Quzzie",
    "company": "Xylophonique SARL",
    "job_title": "Luthiere en chef",
    "vat_number": _vat(SIREN),
    "registration_number": SIRET,
    "email": "quentinella.zanzibarova@example.org",
    "mobile": "06 12 34 56 78",
    "landline": "01 45 67 89 10",
    "birth_date": "1984-03-21",
    "address1": "17 rue des Zinnias",
    "address2": "Batiment Quokka",
    "address3": "Escalier Wombat",
    "postcode": "QZ9 7XY",
    "city": "Quillanbourg",
    "id_document_number": "ZX8812345Q",
    "id_document_expiry": "2031-07-14",
    "notes": "Allergique aux zinnias violets",
    "extra": {"pointure": "Zorglub-44"},
    "external_codes": {"shopify": "SHZ-778899-QX"},
    "targeting": "zorroclub",
    "consent_email": True,
    "consent_sms": True,
    "segment": "VIP",
}
OLD_CITY = "Vieuxquartier"
EXTRA_ADDRESS = Address(
    kind="delivery",
    line1="88 Quxley Avenue",
    line2="Porte Zeta",
    postcode="ZZ4 2QQ",
    city="Zorgburg",
)


def personal_values(card: str) -> list[str]:
    """Every value of the person as the till may hold it: as typed, as stored (E.164, ISO),
    as the search keys and index fold it."""
    text = [
        value
        for name, value in PERSON.items()
        if isinstance(value, str)
        and name not in ("kind", "title", "segment", "mobile")
        and name != "landline"
    ]
    text += ["Zorglub-44", "SHZ-778899-QX", OLD_CITY, "Quxley", "Porte Zeta", "ZZ4 2QQ"]
    text += ["Zorgburg", "+33612345678", "33612345678", "0612345678", "+33145678910"]
    text += ["33145678910", "0145678910", card]
    folded = {word for value in text for word in fold(value).split() if len(word) >= 6}
    return sorted(({value.lower() for value in text} | folded) - {"example"})


@dataclass
class Built:
    customer_id: str
    code: str
    card: str
    sales_total: int
    own_sales: list[str]


@pytest.fixture
def register(settings):
    register = Register(settings)
    yield register
    register.close()


def _sale(register: Register, customer, *codes: str, method=PaymentMethod.CASH):
    cart = Cart()
    register.attach(cart, register.customers.for_sale(customer))
    for code in codes:
        cart.add(catalog.lookup(code))
    cart.pay(method, cart.total)
    return register.record(cart)


def build(register: Register, monkeypatch) -> Built:
    """A customer with every field, and everything a till can hold about them."""
    service = register.customers
    person = service.create({**PERSON, "city": OLD_CITY})
    person = service.update(person.id, {"city": PERSON["city"]})  # the audit keeps the old
    save_address(person.id, EXTRA_ADDRESS, actor="test")
    card = loyalty.issue_card(person.id, actor="test", till_no=1)
    loyalty.adjust_points(person.id, 40, "welcome", actor="manager")
    accounts.deposit(person.id, 5_000, "cash", actor="test")
    person = get_customer(person.id)

    with monkeypatch.context() as old_format:  # a sale recorded before journal format 2
        old_format.setattr(journal_names, "seal", lambda header: (header, header))
        first = _sale(register, person, PRODUCTS[0][0])
    second = _sale(register, person, PRODUCTS[1][0], PRODUCTS[2][0])
    third = _sale(register, person, PRODUCTS[3][0], method=PaymentMethod.ACCOUNT)
    walk_in = Cart()
    walk_in.add(catalog.lookup(PRODUCTS[0][0]))
    walk_in.pay(PaymentMethod.CASH, walk_in.total)
    register.record(walk_in)

    remote = {
        "id": "0193a000-0000-7000-8000-0000000000aa",
        "till_no": 7,
        "receipt_no": 12,
        "receipt_code": "07-000012",
        "created_at": "2026-11-30T10:00:00+00:00",
        "store": "Other shop",
        "seller": "Bob",
        "total": 790,
        "item_count": 1,
        "customer_id": person.id,
        "payments": [{"method": "card", "amount": 790, "tendered": 790}],
        "lines": [{"name": "Vin rouge", "quantity": 1}],
    }
    with database.atomic():
        assert remote_sales.apply_sale("sale", "create", remote, database.cursor())

    attached = register.customers.for_sale(person)
    cart = Cart()
    register.attach(cart, attached)
    cart.add(catalog.lookup(PRODUCTS[4][0]))
    parked.park(cart, "Quentinella", till_no=1)
    unrelated = Cart()
    unrelated.add(catalog.lookup(PRODUCTS[4][0]))
    parked.park(unrelated, "Table 4", till_no=1)
    open_sale.save(2, 1, cart)

    half = Outbox.select().count() // 2
    outbox.acknowledge(half)  # some changes sent, the rest still waiting
    assert outbox.pending_count() > 0
    own = [first.id, second.id, third.id]
    return Built(person.id, person.code, card, first.total + second.total + third.total, own)


def scan(values: list[str]) -> dict[str, list[str]]:
    """Where each value is found: every column of every table, virtual and shadow tables
    included, text as it reads and blobs as bytes."""
    found: dict[str, list[str]] = {}
    tables = [
        name
        for (name,) in database.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    ]
    needles = [(value, value.encode()) for value in values]
    for table in tables:
        columns = [row[1] for row in database.execute_sql(f'PRAGMA table_info("{table}")')]
        for column in columns:
            for (cell,) in database.execute_sql(f'SELECT "{column}" FROM "{table}"').fetchall():
                if isinstance(cell, str):
                    lower = cell.lower()
                    hits = [value for value, _ in needles if value in lower]
                elif isinstance(cell, bytes):
                    lower_bytes = cell.lower()
                    hits = [value for value, raw in needles if raw in lower_bytes]
                else:
                    continue
                for value in hits:
                    found.setdefault(value, []).append(f"{table}.{column}")
    return found


def fts_terms() -> set[str]:
    database.execute_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, customer_fts, row)"
    )
    return {term for (term,) in database.execute_sql("SELECT term FROM temp.terms").fetchall()}


def figures(customer_id: str) -> tuple:
    rows = database.execute_sql(
        "SELECT COUNT(*), SUM(total) FROM sale WHERE customer_id = ?", (customer_id,)
    ).fetchone()
    return (
        tuple(rows),
        loyalty.balance(customer_id),
        accounts.balance(customer_id),
        remote_sales.sale_count(customer_id),
    )


def test_the_export_holds_every_value_and_anonymising_leaves_none(register, monkeypatch):
    built = build(register, monkeypatch)
    values = personal_values(built.card)
    indexed = {word for word in fold(" ".join(values)).split() if len(word) >= 6}
    terms = fts_terms()
    unseen = set(values) - set(scan(values)) - terms
    assert not unseen, "the scan (or the index's terms) must see every value before"
    assert {"0612345678", "quillanbourg", built.card} <= terms

    exported = json.dumps(customer_privacy.personal_data(built.customer_id), ensure_ascii=False)
    lowered = exported.lower()
    for value in values:
        if not value.isdigit() or value == built.card:
            assert value in lowered or value in fold(exported), value
    document = json.loads(exported)
    assert len(document["sales"]) == 3 and document["sales"][0]["lines"]
    assert document["sales_on_other_tills"]["kept"][0]["receipt"] == "07-000012"
    assert document["customer"]["file"]["consent_email_at"]
    assert document["customer"]["loyalty"]["balance"] == loyalty.balance(built.customer_id)
    assert document["customer"]["account"]["entries"]
    assert len(document["parked_sales"]) == 1 and len(document["open_sales"]) == 1
    assert any(e["new_value"] == "Quillanbourg" for e in document["customer"]["audit"])
    kept = figures(built.customer_id)

    done = customer_privacy.anonymise(built.customer_id, actor="cli (test)", approved_by="manager")

    assert scan(values) == {}
    assert not (indexed & fts_terms())
    # nor in the file's free space: once the WAL is checkpointed, the bytes hold none
    assert database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    raw = Path(database.database).read_bytes().lower()
    assert [value for value in values if value.encode() in raw] == []
    assert done.sales_format_1 == 1 and done.sales_format_2 == 2
    assert sales.verify_journal(1) == []
    assert sales.erased_names(1) == (3, 1)
    assert figures(built.customer_id) == kept
    customer = get_customer(built.customer_id)
    assert (customer.code, customer.last_name, customer.active) == (
        built.code,
        ANONYMOUS_NAME,
        False,
    )
    assert customer.segment == "VIP"  # the shop's classification is no one's identity
    copy = sales.get_sale_by_id(built.own_sales[1])
    assert copy.customer.code == built.code and copy.header.customer_name == ""
    names = [p.name for p in parked.parked_sales(1)]
    assert sorted(names) == ["Parked sale", "Table 4"]
    assert open_sale.load(2).customer.name == ANONYMOUS_NAME
    anonymise_rows = Outbox.select().where(Outbox.operation == "anonymise")
    assert [(r.entity, r.entity_id) for r in anonymise_rows] == [("customer", built.customer_id)]
    entries = database.execute_sql(
        "SELECT actor, field FROM audit_log WHERE action = 'anonymise'"
    ).fetchall()
    assert {actor for actor, _ in entries} == {"cli (test), approved by manager"}
    assert {"last_name", "email", "mobile", "birth_date"} <= {field for _, field in entries}

    with pytest.raises(customer_privacy.AlreadyAnonymised):
        customer_privacy.anonymise(built.customer_id, actor="x", approved_by="manager")


def test_a_new_format_sale_keeps_the_name_apart_from_its_hash(register):
    person = register.customers.create({"last_name": "Quimby", "first_name": "Zelda"})
    sale = _sale(register, person, PRODUCTS[0][0])
    pending = outbox.pending()[-1]["payload"]
    assert "Quimby" not in json.dumps(pending), "the back office gets the digest, not the name"
    assert pending["receipt_header"]["customer_name_digest"]
    assert sales.get_sale(sale.receipt_code).header.customer_name == "QUIMBY Zelda"
    assert sales.verify_journal(1) == []

    database.execute_sql(
        "INSERT INTO journal_redaction VALUES (?, 1, 't', 'x', 'y', 2, '')", (sale.id,)
    )
    database.execute_sql(  # the name changed: its digest no longer matches
        "UPDATE sale SET receipt_header = replace(receipt_header, 'Zelda', 'Zora')"
    )
    assert sales.verify_journal(1) == [sale.receipt_code]
    database.execute_sql(  # the store changed: the hash no longer matches
        "UPDATE sale SET receipt_header = replace(replace(receipt_header, 'Zora', 'Zelda'),"
        " 'Test Shop', 'Forged')"
    )
    assert sales.verify_journal(1) == [sale.receipt_code]


def test_an_anonymised_old_format_sale_still_detects_tampering(register, monkeypatch):
    person = register.customers.create({"last_name": "Quimby"})
    with monkeypatch.context() as old_format:
        old_format.setattr(journal_names, "seal", lambda header: (header, header))
        sale = _sale(register, person, PRODUCTS[0][0])
    _sale(register, person, PRODUCTS[1][0])
    customer_privacy.anonymise(person.id, actor="x", approved_by="manager")
    assert sales.verify_journal(1) == []
    database.execute_sql(
        "UPDATE sale SET receipt_header = replace(receipt_header, 'Test Shop', 'Forged')"
        " WHERE id = ?",
        (sale.id,),
    )
    assert sales.verify_journal(1) == [sale.receipt_code]


def test_a_tampered_old_sale_is_not_redacted_and_nothing_is_erased(register, monkeypatch):
    person = register.customers.create({"last_name": "Quimby"})
    with monkeypatch.context() as old_format:
        old_format.setattr(journal_names, "seal", lambda header: (header, header))
        sale = _sale(register, person, PRODUCTS[0][0])
    database.execute_sql("DROP TRIGGER sale_line_no_update")
    database.execute_sql("UPDATE sale_line SET total = 1 WHERE sale_id = ?", (sale.id,))
    with pytest.raises(TillError, match="no longer verifies"):
        customer_privacy.anonymise(person.id, actor="x", approved_by="manager")
    assert get_customer(person.id).last_name == "Quimby"
    assert not customer_privacy.is_anonymised(person.id)


def test_the_journal_lets_only_a_recorded_redaction_erase_the_header(register):
    person = register.customers.create({"last_name": "Quimby"})
    sale = _sale(register, person, PRODUCTS[0][0])
    with pytest.raises(Exception, match="append-only"):
        database.execute_sql("UPDATE sale SET receipt_header = '{}' WHERE id = ?", (sale.id,))
    customer_privacy.anonymise(person.id, actor="x", approved_by="manager")
    columns = [row[1] for row in database.execute_sql("PRAGMA table_info(sale)")]
    for column in columns:
        if column != "receipt_header":
            with pytest.raises(Exception, match="append-only"):
                database.execute_sql(
                    f'UPDATE sale SET "{column}" = "{column}" || \'\' WHERE id = ?', (sale.id,)
                )
    for statement in (
        "UPDATE audit_log SET old_value = 'forged' WHERE entity_id = ?",
        "UPDATE audit_log SET actor = 'forged' WHERE entity_id = ?",
        "DELETE FROM journal_redaction WHERE sale_id = ?",
    ):
        with pytest.raises(Exception, match="append-only"):
            database.execute_sql(statement, (person.id if "audit" in statement else sale.id,))


def test_an_anonymised_customer_is_not_filled_in_again(register):
    person = register.customers.create({"last_name": "Quimby"})
    customer_privacy.anonymise(person.id, actor="x", approved_by="manager")
    with pytest.raises(TillError, match="erased on request"):
        register.customers.update(person.id, {"last_name": "Quimby"})
    with pytest.raises(TillError, match="erased on request"):
        save_address(person.id, EXTRA_ADDRESS, actor="x")
    assert get_customer(person.id).last_name == ANONYMOUS_NAME


def test_a_pulled_erasure_applies_once_and_a_later_edit_is_ignored(register):
    from storage.remote_changes import RemoteChange, apply_remote

    person = register.customers.create({"last_name": "Quimby", "city": "Quillanbourg"})
    erasure = {"v": 1, "id": person.id, "at": "2026-12-01T10:00:00+00:00", "approved_by": "m"}
    edit = {
        "v": 1,
        "id": person.id,
        "at": "2026-12-01T09:00:00+00:00",
        "fields": {"city": "Zorgburg"},
        "clocks": {"city": "1796115600000-0000-south"},
    }
    first = apply_remote([RemoteChange("customer", "anonymise", erasure, "north")], 1)
    again = apply_remote(
        [
            RemoteChange("customer", "anonymise", erasure, "north"),
            RemoteChange("customer", "update", edit, "south"),
        ],
        3,
    )
    assert (first.inserted, again.inserted, again.already_here) == (1, 0, 2)
    assert scan(["quillanbourg", "zorgburg", "quimby"]) == {}
    ignored = database.execute_sql(
        "SELECT actor, field FROM audit_log WHERE action = 'ignored'"
    ).fetchall()
    assert ignored == [("till south", "customer update: city")]


def test_a_cart_open_during_the_erasure_records_the_anonymous_name(register):
    person = register.customers.create({"last_name": "Quimby"})
    cart = Cart()
    register.attach(cart, register.customers.for_sale(person))  # attached before
    customer_privacy.anonymise(person.id, actor="x", approved_by="manager")
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CASH, cart.total)
    sale = register.record(cart)
    assert sales.get_sale(sale.receipt_code).header.customer_name == ANONYMOUS_NAME
    assert scan(["quimby"]) == {}
    assert sales.verify_journal(1) == []


def test_anonymising_a_survivor_erases_the_customers_merged_into_it(register):
    from storage.customer_merge import merge_customers

    kept = register.customers.create({"last_name": "Quimby", "email": "zq@example.org"})
    twin = register.customers.create({"last_name": "Quimbie", "landline": "01 45 67 89 10"})
    merge_customers(kept.id, twin.id, actor="x", approved_by="manager")
    done = customer_privacy.anonymise(twin.id, actor="x", approved_by="manager")  # finds kept
    assert set(done.customer_ids) == {kept.id, twin.id}
    assert all(customer_privacy.is_anonymised(cid) for cid in (kept.id, twin.id))
    assert scan(["quimby", "quimbie", "zq@example.org", "+33145678910"]) == {}
    erasures = Outbox.select().where(Outbox.operation == "anonymise")
    assert sorted(row.entity_id for row in erasures) == sorted([kept.id, twin.id])
