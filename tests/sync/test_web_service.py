"""The web service for integrations, on the real server under uvicorn: each route, each
refusal, scopes, the OpenAPI document, a customer made here reaching a till, and the till's
own validation rules applied to what an integration sends."""

from __future__ import annotations

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from storage.customers import find_by_code, get_customer, update_customer
from sync.server import integrations
from sync.server.integrations import Scope
from tests.sync.test_protocol import sale_change
from till.core.customer import TEXT_LIMITS, FieldErrors, validate_changes
from till.core.hlc import Hlc

API = "/api/v1"
EVERY_SCOPE = frozenset(Scope)


def integration(server: Any, name: str = "webshop", scopes: frozenset[Scope] = EVERY_SCOPE):
    return server.http(integrations.add_integration(name, scopes))


def create(
    client: httpx.Client, headers: dict[str, str] | None = None, **fields: Any
) -> httpx.Response:
    return client.post(f"{API}/customers", json={"last_name": "Martin", **fields}, headers=headers)


def test_a_customer_is_created_with_a_server_code_and_the_tills_rules(server):
    api = integration(server)
    made = create(api, first_name="Zoé", mobile="06 12 34 56 78", email="Zoe@Example.com")
    assert made.status_code == 201, made.text
    customer = made.json()
    assert customer["code"] == "S-0000001"
    assert made.headers["location"] == f"{API}/customers/S-0000001"
    # Normalised as the till normalises: E.164 phone, the e-mail's domain in lower case.
    assert customer["mobile"] == "+33612345678"
    assert customer["email"] == "Zoe@example.com"
    assert api.get(f"{API}/customers/S-0000001").json() == customer
    assert api.get(f"{API}/customers/s-0000001").json()["id"] == customer["id"]
    assert create(api).json()["code"] == "S-0000002"


def test_a_customer_made_by_the_service_is_in_the_feed_and_reaches_a_till(server, make_till):
    api = integration(server)
    customer = create(api, first_name="Zoé", external_codes={"webshop": "WS-1"}).json()
    entry = server.feed()[-1]
    assert (entry.till, entry.entity, entry.operation) == ("webshop", "customer", "create")
    assert entry.entity_id == customer["id"]

    till = make_till("north", 1)
    till.sync()
    till.use()
    found = find_by_code(customer["code"])
    assert found is not None
    assert (found.id, found.first_name, found.external_codes) == (
        customer["id"],
        "Zoé",
        {"webshop": "WS-1"},
    )


def test_a_create_sent_again_with_its_idempotency_key_makes_one_customer(server):
    api = integration(server)
    first = create(api, headers={"Idempotency-Key": "order-1001"})
    again = create(api, first_name="Zoé", headers={"Idempotency-Key": "order-1001"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    other = integration(server, "erp")  # keys are each integration's own
    assert create(other, headers={"Idempotency-Key": "order-1001"}).status_code == 201
    assert create(api, headers={"Idempotency-Key": "order-1002"}).status_code == 201
    assert len(server.feed()) == 3
    refused = create(api, headers={"Idempotency-Key": "bad\tkey"})
    assert refused.status_code == 422 and refused.json()["field"] == "idempotency-key"


def test_the_same_idempotency_key_sent_at_once_makes_one_customer(server):
    api = integration(server)

    def send(_: int) -> httpx.Response:
        with server.http(api.headers["authorization"].removeprefix("Bearer ")) as client:
            return create(client, headers={"Idempotency-Key": "order-7"})

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert sorted(answer.status_code for answer in answers) == [200] * 5 + [201]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert len(server.feed()) == 1


def test_an_update_changes_only_what_differs_and_is_fed_to_the_tills(server):
    api = integration(server)
    code = create(api, city="Paris").json()["code"]
    changed = api.patch(f"{API}/customers/{code}", json={"city": "Lyon", "last_name": "Martin"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["city"] == "Lyon"
    entry = server.feed()[-1]
    assert (entry.entity, entry.operation) == ("customer", "update")
    assert json.loads(entry.payload)["fields"] == {"city": "Lyon"}
    before = len(server.feed())
    assert api.patch(f"{API}/customers/{code}", json={"city": "Lyon"}).status_code == 200
    assert len(server.feed()) == before
    assert api.get(f"{API}/customers/{code}").json()["city"] == "Lyon"


def test_a_change_through_the_service_merges_field_by_field_like_a_tills(server, make_till):
    api = integration(server)
    north = make_till("north", 1)
    customer_id = north.new_customer("Martin")
    north.use()
    code = get_customer(customer_id).code
    update_customer(customer_id, {"city": "Paris"}, actor="test", region="FR")
    north.sync()

    assert api.patch(f"{API}/customers/{code}", json={"city": "Lyon"}).json()["city"] == "Lyon"
    payload = json.loads(server.feed()[-1].payload)
    stamp = Hlc.parse(payload["clocks"]["city"])
    assert set(payload["clocks"]) == {"city"} and stamp.node == "webshop"
    held = json.loads(server.feed()[-2].payload)["clocks"]["city"]
    assert stamp > Hlc.parse(held)  # later than the till's edit the server holds
    north.sync()
    north.use()
    assert get_customer(customer_id).city == "Lyon"

    update_customer(customer_id, {"city": "Nice"}, actor="test", region="FR")  # later again
    north.sync()
    assert api.get(f"{API}/customers/{code}").json()["city"] == "Nice"


def test_a_service_change_wins_over_a_till_clock_running_ahead(server):
    api = integration(server)
    code = create(api, city="Paris").json()["code"]
    customer_id = api.get(f"{API}/customers/{code}").json()["id"]
    ahead = Hlc(time.time_ns() // 1_000_000 + 3_600_000, 0, "north")  # an hour fast
    north = server.http(server.add_till("north"))
    update = {
        "seq": 1,
        "entity": "customer",
        "entity_id": customer_id,
        "operation": "update",
        "payload": {
            "v": 1,
            "id": customer_id,
            "at": "2026-12-01T10:00:00+00:00",
            "fields": {"city": "Nice"},
            "clocks": {"city": str(ahead)},
        },
    }
    pushed = north.post("/v1/push", json={"v": 1, "till": "north", "key": "k", "changes": [update]})
    assert pushed.status_code == 200, pushed.text
    assert api.get(f"{API}/customers/{code}").json()["city"] == "Nice"

    assert api.patch(f"{API}/customers/{code}", json={"city": "Lyon"}).json()["city"] == "Lyon"
    assert Hlc.parse(json.loads(server.feed()[-1].payload)["clocks"]["city"]) > ahead


def test_search_reads_names_emails_phones_codes_and_cards_as_the_till_does(server):
    api = integration(server)
    zoe = create(api, first_name="Zoé", mobile="0612345678", email="zoe@example.com").json()
    create(api, last_name="Dupont", company="Boulangerie Crème")
    create(api, last_name="Martinez")

    def codes(q: str, **params: Any) -> list[str]:
        answer = api.get(f"{API}/customers", params={"q": q, **params})
        assert answer.status_code == 200, answer.text
        return [c["code"] for c in answer.json()["customers"]]

    assert codes("martin") == [zoe["code"], "S-0000003"]
    assert codes("ZOE MART") == [zoe["code"]]
    assert codes("zoe@ex") == [zoe["code"]]
    assert codes("06 12 34") == codes("+33 6 12") == [zoe["code"]]
    assert codes("boulangerie cr") == ["S-0000002"]
    assert codes("S-0000002") == ["S-0000002"]
    assert codes("nobody") == []
    assert len(codes("")) == 3

    first = api.get(f"{API}/customers", params={"q": "mart", "limit": 1}).json()
    assert first["next_offset"] == 1
    second = api.get(f"{API}/customers", params={"q": "mart", "limit": 1, "offset": 1}).json()
    assert second["next_offset"] is None
    assert [c["code"] for c in first["customers"] + second["customers"]] == codes("mart")


def test_search_finds_a_customer_a_till_made_and_its_card(server, make_till):
    api = integration(server)
    till = make_till("north", 1)
    customer_id = till.new_customer("Lefèvre")
    till.sync()
    till.use()
    code = get_customer(customer_id).code
    found = api.get(f"{API}/customers", params={"q": "lefevre"}).json()["customers"]
    assert [c["code"] for c in found] == [code]
    assert api.get(f"{API}/customers/{code}").json()["last_name"] == "Lefèvre"


def test_loyalty_counts_points_from_every_till(server, make_till):
    api = integration(server)
    customer = create(api).json()
    north, south = make_till("north", 1), make_till("south", 2)
    north.sync()
    south.sync()
    north.earn(customer["id"], 120)
    south.earn(customer["id"], 30)
    north.sync()
    south.sync()
    balances = api.get(f"{API}/customers/{customer['code']}/loyalty")
    assert balances.status_code == 200, balances.text
    assert balances.json() == {"code": customer["code"], "points": 150, "account": 0}


def test_history_lists_the_customers_sales_from_every_till(server):
    api = integration(server)
    customer = create(api).json()
    north = server.http(server.add_till("north"))
    sales = [
        sale_change(customer_id=customer["id"]),
        {
            **sale_change(customer_id=None),
            "seq": 2,
        },
    ]
    sales[1]["entity_id"] = sales[1]["payload"]["id"] = "0193a2b4-0000-7000-8000-0000000000ff"
    pushed = north.post("/v1/push", json={"v": 1, "till": "north", "key": "k1", "changes": sales})
    assert pushed.status_code == 200, pushed.text
    history = api.get(f"{API}/customers/{customer['code']}/history")
    assert history.status_code == 200, history.text
    page = history.json()
    assert page["more"] is False
    assert [(s["id"], s["till"], s["total"]) for s in page["sales"]] == [
        (sales[0]["payload"]["id"], "north", 610)
    ]


REFUSED_ROUTES = [
    ("GET", "/customers/S-0000001", Scope.CUSTOMERS_READ),
    ("GET", "/customers?q=martin", Scope.CUSTOMERS_READ),
    ("POST", "/customers", Scope.CUSTOMERS_WRITE),
    ("PATCH", "/customers/S-0000001", Scope.CUSTOMERS_WRITE),
    ("GET", "/customers/S-0000001/loyalty", Scope.LOYALTY_READ),
    ("GET", "/customers/S-0000001/history", Scope.SALES_READ),
]


def _call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    body = {"json": {"last_name": "Martin"}} if method in ("POST", "PATCH") else {}
    return client.request(method, API + path, **body)


@pytest.mark.parametrize(("method", "path", "scope"), REFUSED_ROUTES)
def test_each_route_needs_an_integration_token_with_its_scope(server, method, path, scope):
    full = integration(server, "full")
    create(full)
    assert _call(full, method, path).status_code in (200, 201)
    before = len(server.feed())

    others = frozenset(EVERY_SCOPE - {scope})
    answers = {
        "no token": (_call(server.http(), method, path), 401),
        "unknown token": (_call(server.http("x" * 43), method, path), 401),
        "till token": (_call(server.http(server.add_till("north")), method, path), 403),
        "other scopes": (_call(integration(server, "narrow", others), method, path), 403),
    }
    revoked = integration(server, "gone")
    from sync.server import store

    store.revoke("gone")
    answers["revoked token"] = (_call(revoked, method, path), 401)
    for what, (answer, status) in answers.items():
        assert answer.status_code == status, (what, answer.text)
        assert answer.json()["error"] in ("unauthorised", "forbidden"), what
    assert "scope " + str(scope) in answers["other scopes"][0].json()["message"]
    assert len(server.feed()) == before


def test_an_integration_token_cannot_push_or_pull_as_a_till(server):
    api = integration(server)
    token = api.headers["authorization"].removeprefix("Bearer ")
    till_client = server.http(token)
    pushed = till_client.post(
        "/v1/push", json={"v": 1, "till": "webshop", "key": "k", "changes": []}
    )
    assert pushed.status_code == 403 and pushed.json()["error"] == "not_a_till"
    pulled = till_client.get("/v1/changes", params={"after": 0}, headers={"Till-Sync-Version": "1"})
    assert pulled.status_code == 403
    assert server.feed() == []


@pytest.mark.parametrize("method", ["GET", "PATCH"])
@pytest.mark.parametrize("tail", ["", "/loyalty", "/history"])
def test_an_unknown_customer_is_404(server, method, tail):
    if method == "PATCH" and tail:
        return
    answer = _call(integration(server), method, "/customers/C99-999999" + tail)
    assert answer.status_code == 404, answer.text
    assert answer.json()["error"] == "not_found"


REFUSED_BODIES = [
    ({"first_name": "Zoé"}, "last_name"),
    ({"last_name": "Martin", "card_number": "123"}, "card_number"),
    ({"last_name": "Martin", "active": False}, "active"),
    ({"last_name": "Martin", "code": "C01-000001"}, "code"),
    ({"last_name": "Martin", "unheard_of": "x"}, "unheard_of"),
    ({"last_name": 12}, "last_name"),
    ({"last_name": "Martin", "consent_sms": "yes"}, "consent_sms"),
    ({"last_name": "Martin", "targeting": "vip"}, "targeting"),
    ({"last_name": "Martin", "extra": {"k": 1}}, "extra"),
    ({"last_name": "Martin", "kind": "robot"}, "kind"),
    ({"last_name": "Martin", "targeting": ["x" * 201]}, "targeting"),
]


def test_a_refused_field_is_422_naming_it_and_writes_nothing(server):
    api = integration(server)
    for body, field in REFUSED_BODIES:
        answer = api.post(f"{API}/customers", json=body)
        assert answer.status_code == 422, (body, answer.text)
        assert answer.json()["error"] == "invalid"
        assert answer.json()["field"] == field, (body, answer.text)
        assert field in answer.json()["message"]
        code = create(api).json()["code"]
        patch = body if "last_name" in body else {**body, "last_name": ""}
        changed = api.patch(f"{API}/customers/{code}", json=patch)
        assert (changed.status_code, changed.json()["field"]) == (422, field), patch
    assert {entry.operation for entry in server.feed()} == {"create"}


def test_bodies_that_are_not_json_objects_or_too_large_are_refused(server):
    api = integration(server)
    not_json = api.post(
        f"{API}/customers", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.json()["error"] == "malformed"
    assert api.post(f"{API}/customers", json=["Martin"]).status_code == 422
    huge = api.post(f"{API}/customers", json={"last_name": "M", "notes": "x" * 70_000})
    assert huge.status_code == 413 and huge.json()["error"] == "too_large"
    chunks = (b'{"last_name": "M", "notes": "' + b"x" * 10_000 for _ in range(8))
    chunked = api.post(f"{API}/customers", content=chunks)
    assert chunked.status_code == 413
    assert api.get(f"{API}/customers", params={"limit": 1000}).status_code == 422
    assert server.feed() == []


# The till's own rules, one refused value per rule: each row is first checked against the
# till (validate_changes must refuse it), then sent to the service, which must refuse it too.
PARITY = [
    *[(name, "x" * (limit + 1)) for name, limit in TEXT_LIMITS.items()],
    ("email", "zoe@"),
    ("mobile", "12"),
    ("landline", "not a phone"),
    ("vat_number", "FR00000000000"),
    ("registration_number", "123"),
    ("activity_code", "4711"),
    ("birth_date", "2999-01-01"),
    ("birth_date", "31/02/1980"),
    ("id_document_expiry", "tomorrow"),
    ("discount_until", "2026-13-01"),
    ("discount_percent", "abc"),
    ("language", "french"),
    ("country", "France"),
    ("last_name", ""),
    ("first_name", "Zoé\x1b[31m"),
    ("city", "Paris\u202e"),
    ("gender", "robot"),
    ("payment_terms", "net90"),
    ("preferred_channel", "pigeon"),
]


def test_the_parity_table_has_a_row_for_every_rule_of_the_till():
    from till.core import customer

    rules = set(customer._VALIDATORS) | set(customer.TEXT_LIMITS)
    assert rules <= {name for name, _ in PARITY}


def test_a_value_the_till_refuses_the_service_refuses(server):
    api = integration(server)
    for name, value in PARITY:
        with pytest.raises(FieldErrors) as refused:
            validate_changes({"last_name": "Martin", name: value}, region="FR")
        assert name in refused.value.errors, (name, value)
        answer = create(api, **{name: value})
        assert answer.status_code == 422, (name, value, answer.text)
        assert answer.json()["field"] == name
        assert str(refused.value.errors[name]) in answer.json()["message"]
    assert server.feed() == []


ACCEPTED = [
    ("mobile", "06 12 34 56 78"),
    ("email", "Zoé@Example.COM"),
    ("birth_date", "31/12/1980"),
    ("activity_code", "4711f"),
    ("discount_percent", "12,5"),
    ("country", "fr"),
    ("kind", " Business"),
    ("targeting", ["vip", "vip", "  web "]),
    ("notes", "line one\nline two"),
]


def test_a_value_the_till_accepts_is_stored_as_the_till_stores_it(server):
    api = integration(server)
    for name, value in ACCEPTED:
        stored = validate_changes({name: value}, region="FR")[name]
        answer = create(api, **{name: value})
        assert answer.status_code == 201, (name, answer.text)
        assert answer.json()[name] == json.loads(json.dumps(stored)), name


def test_the_openapi_document_is_served_valid_and_documents_every_route(server):
    api = integration(server)
    document = api.get(f"{API}/openapi.json")
    assert document.status_code == 200
    spec = document.json()
    validate(spec)
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in ("get", "post", "patch")
    }
    assert operations == {
        ("POST", "/customers"),
        ("GET", "/customers"),
        ("GET", "/customers/{code}"),
        ("PATCH", "/customers/{code}"),
        ("GET", "/customers/{code}/loyalty"),
        ("GET", "/customers/{code}/history"),
    }
    assert spec["servers"] == [{"url": API}]
    schemas = spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            assert operation["summary"] and operation["description"], (method, path)
            assert "HTTPBearer" in str(operation["security"]), (method, path)
            for status in ("401", "403"):
                assert status in operation["responses"], (method, path, status)
            ok = next(r for s, r in operation["responses"].items() if s.startswith("2"))
            reference = ok["content"]["application/json"]["schema"]["$ref"]
            assert schemas[reference.rsplit("/", 1)[1]]["examples"], (method, path)
    assert schemas["CustomerFields"]["examples"]
    assert schemas["CustomerFields"]["properties"]["last_name"]["maxLength"] == 80
    assert schemas["CustomerFields"]["additionalProperties"] is False
    assert schemas["Problem"]["examples"]

    nowhere = api.get(f"{API}/nowhere")
    assert nowhere.status_code == 404 and nowhere.json()["error"] == "not_found"
    for docs in ("docs", "redoc"):  # pages and scripts from this server, not from a CDN
        page = server.http().get(f"{API}/{docs}")
        assert page.status_code == 200 and f"{API}/openapi.json" in page.text
        scripts = re.findall(r'<script src="([^"]+)"', page.text)
        assert scripts and all(src.startswith(f"{API}/") for src in scripts), scripts
        for src in scripts:
            assert server.http().get(src).status_code == 200, src
