"""The catalog is the back office's: products and price lists imported on the real server
(``till server import``) reach every till through the feed, by the till's own import rules;
a till refuses a catalog change that breaks them, and a till with a server refuses a local
import."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from click.testing import CliRunner

from storage import catalog, outbox, remote_changes
from storage.models import Product
from sync.fields import ProtocolError
from sync.protocol import SERVER_ORIGIN, PullAnswer
from sync.server import store
from sync.server.models import CatalogPrice, CatalogProduct, FeedEntry
from till.cli import cli
from till.core.barcodes import parse_scan_entry
from till.errors import SyncError

from ..conftest import ean13

HEADER = "barcode,name,price,vat,category,stock\n"


def server_import(server, kind: str, path, *options: str):
    return CliRunner().invoke(
        cli, ["server", "import", kind, "--db", server.db_url, *options, str(path)]
    )


def scan(till, text: str, price_code: str = ""):
    """What the register's scan finds: the item, with its price on ``price_code``'s list."""
    till.use()
    return catalog.lookup(parse_scan_entry(text).code, price_code)


def test_a_catalog_imported_on_the_server_reaches_every_till(server, make_till, tmp_path):
    north, south = make_till("north", 1), make_till("south", 2)
    products = tmp_path / "products.csv"
    products.write_text(
        HEADER + f"{ean13(1)},Baguette,1.20,5.5,Bread,40\n{ean13(2)},Savon,2.50,20,,\n",
        encoding="utf-8",
    )
    prices = tmp_path / "prices.csv"
    prices.write_text(f"price_code,barcode,price\nPRO,{ean13(1)},1.00\n", encoding="utf-8")

    done = server_import(server, "products", products)
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith("2 added, 0 updated, 0 refused.")
    assert server_import(server, "prices", prices).exit_code == 0
    assert [(e.till, e.entity, e.operation) for e in server.feed()] == [
        (SERVER_ORIGIN, "product", "upsert"),
        (SERVER_ORIGIN, "product", "upsert"),
        (SERVER_ORIGIN, "price", "upsert"),
    ]

    assert north.sync() == (0, 3)
    assert south.sync() == (0, 3)
    server_ids = {p.code: p.id for p in CatalogProduct.select()}
    for till in (north, south):
        item = scan(till, ean13(1), "PRO")
        assert (item.name, item.unit_price, item.vat_rate_bp, item.category) == (
            "Baguette",
            120,
            550,
            "Bread",
        )
        assert item.code_price == 100
        assert item.product_id == server_ids[ean13(1)]  # one product id on every till
        assert scan(till, "3*" + ean13(2)).unit_price == 250
        assert catalog.stock_of(ean13(1)) == 0  # stock is each till's count, not sent
        assert outbox.pending() == []  # nothing goes back up

    # The same files again: nothing new in the feed, nothing for the tills to pull.
    again = server_import(server, "products", products, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == {
        "file": str(products),
        "added": 0,
        "updated": 0,
        "unchanged": 2,
        "refused": 0,
        "feed_seq": 3,
    }
    assert server_import(server, "prices", prices).stdout.startswith("0 added, 0 updated")
    assert len(server.feed()) == 3
    assert north.sync() == (0, 0)

    # A new price and a new list price, imported again, reach both tills.
    products.write_text(HEADER + f"{ean13(1)},Baguette,1.30,5.5,Bread,\n", encoding="utf-8")
    prices.write_text(f"price_code,barcode,price\nPRO,{ean13(1)},1.05\n", encoding="utf-8")
    assert server_import(server, "products", products).stdout.startswith("0 added, 1 updated")
    assert server_import(server, "prices", prices).stdout.startswith("0 added, 1 updated")
    assert len(server.feed()) == 5
    for till in (north, south):
        assert till.sync() == (0, 2)
        item = scan(till, ean13(1), "PRO")
        assert (item.unit_price, item.code_price) == (130, 105)
        assert Product.select().count() == 2


def test_a_till_keeps_its_own_products_and_stock_when_the_server_updates_them(
    server, make_till, tmp_path
):
    north = make_till("north", 1)
    local_rows, _ = catalog.parse_product_csv(
        HEADER + f"{ean13(1)},Old name,1.00,20,,7\n", allowed_rates=(2000, 550)
    )
    catalog.import_products(local_rows)
    local_id = scan(north, ean13(1)).product_id
    products = tmp_path / "products.csv"
    products.write_text(HEADER + f"{ean13(1)},New name,1.10,5.5,,\n", encoding="utf-8")
    assert server_import(server, "products", products).exit_code == 0

    north.sync()
    item = scan(north, ean13(1))
    assert (item.product_id, item.name, item.unit_price, item.vat_rate_bp) == (
        local_id,
        "New name",
        110,
        550,
    )
    assert catalog.stock_of(ean13(1)) == 7


@pytest.mark.parametrize(
    ("row", "complaint"),
    [
        (f"{ean13(1)},Baguette\x1b[2J,1.30,5.5,,", ":3: name: has a control character (U+001B)"),
        (f"{ean13(1)},Baguette,1e99999,5.5,,", ":3: price: "),
        (f"{ean13(1)},Baguette,1.30,7,,", ":3: VAT 7% is not a configured rate"),
        (f"{ean13(1)},Baguette,1.30,5.5,,1e23", ":3: stock: a whole number, got '1e23'."),
        (f"{ean13(1)[:-1]}0,Baguette,1.30,5.5,,", ":3: 2000000000010 is not a valid EAN-13"),
    ],
)
def test_a_bad_row_names_its_line_and_field_and_changes_nothing(
    server, make_till, tmp_path, row, complaint
):
    north = make_till("north", 1)
    products = tmp_path / "products.csv"
    products.write_text(HEADER + f"{ean13(1)},Baguette,1.20,5.5,,\n", encoding="utf-8")
    server_import(server, "products", products)
    north.sync()

    products.write_text(HEADER + f"{ean13(2)},Savon,2.50,20,,\n{row}\n", encoding="utf-8")
    result = server_import(server, "products", products)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [result.stderr.strip()]  # one line: the bad row
    assert result.stderr.startswith(f"{products}{complaint}")
    assert result.stdout.startswith("1 added, 0 updated, 1 refused.")  # the good row only
    assert CatalogProduct.get(CatalogProduct.code == ean13(1)).price == 120
    assert [e.entity_id for e in server.feed()][-1] == CatalogProduct.get(code=ean13(2)).id

    assert north.sync() == (0, 1)
    assert scan(north, ean13(1)).unit_price == 120


def test_a_price_for_a_barcode_the_catalog_lacks_is_refused_by_line(server, tmp_path):
    prices = tmp_path / "prices.csv"
    prices.write_text(f"price_code,barcode,price\nPRO,{ean13(9)},1.00\n", encoding="utf-8")
    result = server_import(server, "prices", prices)
    assert result.exit_code == 1
    assert result.stderr == f"{prices}:2: no product has the barcode {ean13(9)}.\n"
    assert CatalogPrice.select().count() == 0 and server.feed() == []


def test_a_bad_database_url_or_file_is_one_line(server, tmp_path):
    products = tmp_path / "products.csv"
    products.write_bytes(b"barcode,name,price,vat\n\xff\xfe,\n")
    result = CliRunner().invoke(
        cli, ["server", "import", "products", "--db", "nosuch://x", str(products)]
    )
    assert result.exit_code == 2 and result.stderr.startswith("till: cannot use the database URL")
    result = server_import(server, "products", products)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "not UTF-8" in result.stderr


def test_no_till_can_be_named_as_the_server(server):
    with pytest.raises(Exception, match="cannot name a till"):
        store.add_till(SERVER_ORIGIN)


def _product(**changed):
    product = {
        "v": 1,
        "id": "0193a000-0000-7000-8000-000000000001",
        "barcode": ean13(1),
        "name": "Baguette",
        "price": 120,
        "vat_rate_bp": 550,
        "category": "",
        "cost": 0,
        "promo_price": None,
        "discountable": True,
        "at": "2026-12-01T10:00:00+00:00",
    }
    product.update(changed)
    return product


HOSTILE = [
    ("product", _product(barcode=ean13(1)[:-1] + "0"), "field barcode: 2000000000010 is not a"),
    ("product", _product(barcode=" " + ean13(1)), "field barcode: must be stored text"),
    ("product", _product(barcode="036000291452"), "field barcode: must be stored as 0036000291452"),
    ("product", _product(barcode="12\x1b[2J"), "field barcode: has a control character"),
    ("product", _product(name="Baguette\x1bp0"), "field name: has a control character"),
    ("product", _product(name=""), "field name: must not be empty"),
    ("product", _product(name="x" * 121), "field name: is longer than 120"),
    ("product", _product(price=-1), "field price: -1 is outside 0 to 1,000,000,000"),
    ("product", _product(price=10**30), "field price: a number that large is outside"),
    ("product", _product(price=True), "field price: must be a whole number"),
    ("product", _product(price="1.20"), "field price: must be a whole number, got text"),
    ("product", _product(vat_rate_bp=10_000), "field vat_rate_bp: 10,000 is outside 0 to 9,999"),
    ("product", _product(promo_price=200), "field promo_price: is above the price"),
    ("product", _product(id="not-a-uuid"), "field id: must be an id"),
    ("product", _product(stock=5), "field stock: is not part of this protocol version"),
    ("product", _product(discountable="yes"), "field discountable: must be true or false"),
    (
        "price",
        {
            "v": 1,
            "price_code": "P" * 41,
            "barcode": ean13(1),
            "price": 1,
            "at": "2026-12-01T10:00:00+00:00",
        },
        "field price_code: is longer than 40",
    ),
    (
        "price",
        {
            "v": 1,
            "price_code": "PRO",
            "barcode": ean13(1),
            "price": -5,
            "at": "2026-12-01T10:00:00+00:00",
        },
        "field price: -5 is outside",
    ),
]


@pytest.mark.parametrize(("entity", "payload", "complaint"), HOSTILE)
def test_a_hostile_catalog_change_is_refused_by_the_tills_check(entity, payload, complaint):
    answer = {
        "v": 1,
        "changes": [
            {
                "seq": 1,
                "till": SERVER_ORIGIN,
                "entity": entity,
                "entity_id": payload.get("id", payload["barcode"]),
                "operation": "upsert",
                "payload": payload,
            }
        ],
        "cursor": 1,
        "more": False,
    }
    with pytest.raises(ProtocolError) as refused:
        PullAnswer.from_json(answer, 0)
    assert complaint in str(refused.value)


def test_good_catalog_changes_pass_the_tills_check():
    price = {"v": 1, "price_code": "PRO", "barcode": ean13(1), "price": 1, "at": _product()["at"]}
    for entity, payload in (("product", _product()), ("price", price)):
        change = {"seq": 1, "till": SERVER_ORIGIN, "entity": entity, "operation": "upsert"}
        change |= {"entity_id": payload.get("id", ean13(1)), "payload": payload}
        answer = {"v": 1, "changes": [change], "cursor": 1, "more": False}
        assert PullAnswer.from_json(answer, 0).changes[0].payload == payload


@pytest.mark.parametrize(("entity", "payload", "complaint"), [HOSTILE[4], HOSTILE[-1]])
def test_a_hostile_catalog_change_in_the_feed_is_refused_and_changes_nothing(
    server, make_till, tmp_path, entity, payload, complaint
):
    north = make_till("north", 1)
    products = tmp_path / "products.csv"
    products.write_text(HEADER + f"{ean13(2)},Savon,2.50,20,,\n", encoding="utf-8")
    server_import(server, "products", products)
    # A server that went wrong (or someone between it and the till) serves a bad change
    # after a good one: the till applies neither and its cursor stays.
    FeedEntry.insert(
        seq=2,
        till=SERVER_ORIGIN,
        till_seq=2,
        entity=entity,
        entity_id=payload.get("id", payload["barcode"]),
        operation="upsert",
        payload=json.dumps(payload),
        received_at="2026-12-01T10:00:00+00:00",
    ).execute()
    with pytest.raises(SyncError, match="refuses") as refused:
        north.client.pull_once()
    assert complaint in str(refused.value)
    north.use()
    assert Product.select().count() == 0
    assert remote_changes.pull_cursor() == 0


def test_a_till_cannot_push_catalog_changes(server, make_till):
    north = make_till("north", 1)
    with server.http(north.token) as http:
        answer = http.post(
            "/v1/push",
            json={
                "v": 1,
                "till": "north",
                "key": "north:1-1:1",
                "changes": [
                    {
                        "seq": 1,
                        "entity": "product",
                        "entity_id": _product()["id"],
                        "operation": "upsert",
                        "payload": _product(),
                    }
                ],
            },
        )
    assert answer.status_code == 422
    assert "product is the back office's" in answer.json()["message"]
    assert server.feed() == [] and CatalogProduct.select().count() == 0


def test_a_till_with_a_server_refuses_a_local_import(tmp_path):
    config = tmp_path / "till.toml"
    config.write_text(
        '[sync]\nurl = "https://office.example"\ntoken = "' + "q3Jx" * 10 + '"\nname = "north"\n'
        f'[database]\npath = "{tmp_path / "till.db"}"\n',
        encoding="utf-8",
    )
    products = tmp_path / "products.csv"
    products.write_text(HEADER + f"{ean13(1)},Baguette,1.20,5.5,,\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(config), "init"]).exit_code == 0
    for kind in ("products", "prices"):
        result = runner.invoke(cli, ["--config", str(config), "import", kind, str(products)])
        assert result.exit_code == 2
        assert result.stderr.count("\n") == 1
        assert f"import them there with 'till server import {kind}" in result.stderr


@pytest.mark.parametrize("count", [5_000, pytest.param(50_000, marks=pytest.mark.soak, id="50000")])
def test_a_big_catalog_reaches_a_till_in_batches(server, make_till, tmp_path, capsys, count):
    products = tmp_path / "products.csv"
    with products.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(1, count + 1):
            out.write(f"{ean13(n, '210')},Product {n},{n % 900 + 1}.99,20,Shelf {n % 40},\n")
    north = make_till("north", 1)
    started = time.perf_counter()
    done = server_import(server, "products", products)
    imported = time.perf_counter() - started
    assert done.exit_code == 0, done.output
    assert done.stdout.startswith(f"{count:,} added")

    north.use()
    started = time.perf_counter()
    pulls = 0
    while True:
        result = north.client.pull_once()
        pulls += 1
        if not result.more:
            break
    pulled = time.perf_counter() - started
    assert pulls >= count // 500  # the default page: 500 changes a pull
    assert Product.select().count() == count
    assert scan(north, ean13(count, "210")).unit_price == count % 900 * 100 + 199
    with capsys.disabled():
        print(
            f"\n{count:,} products: server import {imported:.1f} s "
            f"({count / imported:,.0f}/s); till pull {pulled:.1f} s in {pulls} pulls "
            f"({count / pulled:,.0f}/s)"
        )


def test_an_import_and_pushes_at_once_keep_the_feed_gap_free(server, tmp_path):
    """The import numbers its changes under the pushes' lock: while it runs, two tills push
    and a reader pulls 7 at a time; the feed is 1…N and the reader saw every number once."""
    from sync.server import catalog as server_catalog
    from tests.sync.test_feed import _change

    rows = 1_000
    products = tmp_path / "products.csv"
    products.write_text(
        HEADER + "".join(f"{ean13(n, '210')},P{n},1.00,20,,\n" for n in range(1, rows + 1)),
        encoding="utf-8",
    )
    tokens = {name: server.add_till(name) for name in ("north", "south", "reader")}
    failures: list[str] = []
    seen: list[int] = []
    done = threading.Event()

    def http(name: str) -> httpx.Client:
        return httpx.Client(
            base_url=server.url, headers={"Authorization": f"Bearer {tokens[name]}"}, timeout=30
        )

    def push_from(name: str) -> None:
        with http(name) as client:
            for b in range(10):
                changes = [_change(b * 5 + n) for n in range(1, 6)]
                body = {"v": 1, "till": name, "key": f"{name}:{b}", "changes": changes}
                answer = client.post("/v1/push", json=body)
                if answer.status_code != 200:
                    failures.append(f"{name} {b}: {answer.status_code} {answer.text}")

    def read() -> None:
        cursor = 0
        with http("reader") as client:
            while True:
                finished = done.is_set()
                answer = client.get(
                    "/v1/changes",
                    params={"after": cursor, "limit": 7},
                    headers={"Till-Sync-Version": "1"},
                ).json()
                seen.extend(change["seq"] for change in answer["changes"])
                cursor = answer["cursor"]
                if finished and not answer["more"]:
                    return

    def import_products() -> None:
        report = server_catalog.import_products(
            products,
            (2000,),
            2,
            on_error=lambda line, why: failures.append(f"{line}: {why}"),
            chunk_rows=100,  # ten transactions, for the pushes to come between
        )
        if report.added != rows:
            failures.append(f"import: {report}")

    workers = [threading.Thread(target=import_products)] + [
        threading.Thread(target=push_from, args=(name,)) for name in ("north", "south")
    ]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(120)
    done.set()
    reader.join(60)
    assert failures == []
    total = rows + 2 * 50
    feed = server.feed()
    assert [entry.seq for entry in feed] == list(range(1, total + 1))
    assert seen == list(range(1, total + 1))
    assert sum(entry.till == SERVER_ORIGIN for entry in feed) == rows
