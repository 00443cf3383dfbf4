"""The register's sync: a background worker on the App (every interval, right after a sale,
backing off while the server is away) and its state on the sale screen's status line."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from storage import outbox, sales
from storage.customers import create_customer
from storage.db import close_database, open_database
from storage.models import database
from sync.server.models import AcceptedBatch
from tests.conftest import PRODUCTS
from tests.storage.sale_loop import random_cart
from tests.sync.conftest import Till
from tests.sync.sync_till import DeadPort, earn_point, feed_of, payloads_of, sqlite_server
from tests.ui.conftest import no_unexpected_errors  # noqa: F401 -- UI tests fail on errors
from till import sync_service
from till.app import make_app
from till.config import Settings, SyncSettings
from till.messages import Scanned
from till.register import Register
from till.sync_service import SyncService, SyncStatus, retry_delay

BAGUETTE = PRODUCTS[0][0]
NAME = "shop1-till1"


def hh_mm(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%H:%M")


def test_retry_delays_double_from_the_first_up_to_the_cap_in_their_upper_half():
    low = [retry_delay(n, 2.0, 60.0, lambda: 0.0) for n in range(1, 8)]
    high = [retry_delay(n, 2.0, 60.0, lambda: 1.0) for n in range(1, 8)]
    assert low == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert high == [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert retry_delay(10_000, 2.0, 60.0, lambda: 1.0) == 60.0  # no overflow after days


def test_the_status_line_says_the_state_in_a_few_words():
    noon = datetime(2026, 12, 2, 12, 3, tzinfo=UTC).timestamp()
    assert SyncStatus().line(hh_mm) == "Not synced yet"
    assert SyncStatus(last_success=int(noon)).line(hh_mm) == "Synced 12:03"
    assert SyncStatus(int(noon), waiting=3).line(hh_mm) == "Synced 12:03 · 3 waiting"
    offline = SyncStatus(int(noon), 3, failing_since=noon - 60 * 23, failure="offline")
    assert offline.line(hh_mm) == "Offline since 11:40 · 3 waiting"
    refused = SyncStatus(int(noon), 0, failing_since=noon, failure="refused")
    assert refused.line(hh_mm) == "Sync refused since 12:03"
    busy = SyncStatus(int(noon), 0, failing_since=noon, failure="failed")  # e.g. the database
    assert busy.line(hh_mm) == "Sync failing since 12:03"


def test_the_status_line_speaks_the_till_s_language():
    from till.i18n import _, translations, use_language

    noon = datetime(2026, 12, 2, 12, 3, tzinfo=UTC).timestamp()
    offline = SyncStatus(int(noon), 3, failing_since=noon - 60 * 23, failure="offline")
    use_language("fr")
    french = translations("fr")
    since = french.gettext("Offline since {time}").format(time="11:40")
    waiting = french.ngettext("{n} waiting", "{n} waiting", 3).format(n=3)
    assert offline.line(hh_mm) == f"{since} · {waiting}"
    assert "Offline" not in offline.line(hh_mm)
    assert SyncStatus().line(hh_mm) == _("Not synced yet") != "Not synced yet"


def synced(settings: Settings, url: str, token: str, interval: int = 3600) -> Settings:
    return replace(settings, sync=SyncSettings(url=url, token=token, name=NAME, interval=interval))


def status_line(app) -> str:
    return str(app.screen.query_one("#sync-status").render())


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def until(pilot, condition: Callable[[], object], what: str, deadline: float = 20.0):
    """Let the app run until ``condition``; the deadline only guards against a hang."""
    give_up = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < give_up, f"never happened: {what}"
        await pilot.pause(0.02)


async def sell_one_baguette(pilot) -> None:
    pilot.app.screen.post_message(Scanned(BAGUETTE))
    await pilot.pause()
    await pilot.press("f10")
    await pilot.press(*"5", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_no_sync_configured_shows_nothing_and_starts_no_worker(settings):
    app = make_app(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.sync_worker is None
        assert not app.screen.query_one("#sync-status").display
        assert "ync" not in screen_lines(app)[0]


async def test_a_sale_is_sent_at_once_and_the_screen_says_synced(settings, tmp_path):
    with sqlite_server(tmp_path) as server:
        token = server.add_till(NAME)
        app = make_app(synced(settings, server.url, token))  # an hour's interval: only a sale
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "Synced" in status_line(app), "the first sync")
            assert app.sync_status.waiting == 0
            assert feed_of(NAME) == []

            await sell_one_baguette(pilot)
            receipt = sales.last_sale(1)
            assert receipt is not None
            await until(pilot, lambda: ("sale", "create", receipt.id) in feed_of(NAME), "the sale")
            await until(pilot, lambda: app.sync_status.waiting == 0, "the sale confirmed")
            top = screen_lines(app)[0]
            assert "Synced " in top and "waiting" not in top
            assert "Walk-in customer" in top  # the status fits beside the customer at 80x24
        assert [p["total"] for p in payloads_of(NAME, "sale")] == [receipt.total]
        assert len(feed_of(NAME)) == len({entry for entry in feed_of(NAME)})  # nothing twice


async def test_offline_the_till_keeps_selling_and_retries_ever_later(settings, monkeypatch):
    monkeypatch.setattr(sync_service, "FIRST_RETRY", 0.05)
    monkeypatch.setattr(sync_service, "MAX_RETRY", 0.4)
    dead = DeadPort()
    try:
        app = make_app(synced(settings, dead.url, "t" * 43, interval=60))
        async with app.run_test(size=(80, 24)) as pilot:
            worker = app.sync_worker
            await until(pilot, lambda: len(worker.retry_delays) >= 4, "four failed syncs")
            assert "Offline since" in status_line(app)
            assert app.screen.query_one("#sync-status").has_class("warning")
            delays = list(worker.retry_delays)
            assert delays == sorted(delays) and delays[-1] > delays[0]  # growing, with jitter

            await sell_one_baguette(pilot)
            assert "01-000001 saved" in str(app.screen.query_one("#message").render())
            await until(pilot, lambda: "1 waiting" in status_line(app), "the sale counted")
            assert "Offline since" in status_line(app)
            assert "Walk-in customer" in screen_lines(app)[0]
            assert outbox.pending_count() >= 1
    finally:
        dead.close()


async def test_a_refused_token_is_said_once_not_as_offline(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(sync_service, "FIRST_RETRY", 0.05)
    monkeypatch.setattr(sync_service, "MAX_RETRY", 0.2)
    with sqlite_server(tmp_path) as server:
        server.add_till(NAME)
        app = make_app(synced(settings, server.url, "r" * 43, interval=60))
        notices: list[str] = []
        notify = app.notify

        def noting(message: str, **options: Any) -> None:
            if options.get("title") == "Back office":
                notices.append(message)
            notify(message, **options)

        app.notify = noting  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            worker = app.sync_worker
            await until(pilot, lambda: len(worker.retry_delays) >= 3, "three refused syncs")
            assert "Sync refused since" in status_line(app)
            assert len(notices) == 1 and "token is unknown or was revoked" in notices[0]


async def test_when_the_server_comes_back_the_waiting_sale_goes(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(sync_service, "FIRST_RETRY", 0.05)
    monkeypatch.setattr(sync_service, "MAX_RETRY", 0.2)
    dead = DeadPort()
    db_url = f"sqlite:///{tmp_path / 'server.db'}"
    try:
        with dead.serve(db_url):  # the till's name and token first; then the server goes
            from sync.server import store

            token = store.add_till(NAME)
        app = make_app(synced(settings, dead.url, token, interval=60))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: "Offline" in status_line(app), "offline")
            await sell_one_baguette(pilot)
            with dead.serve(db_url):
                await until(pilot, lambda: "Synced" in status_line(app), "back online")
                await until(pilot, lambda: app.sync_status.waiting == 0, "the sale sent")
                assert [e for e, _, _ in feed_of(NAME)].count("sale") == 1
    finally:
        dead.close()


async def test_sales_during_a_sync_are_sent_by_the_next_one_never_twice(settings, tmp_path):
    with sqlite_server(tmp_path) as server:
        token = server.add_till(NAME)
        app = make_app(synced(settings, server.url, token))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.sync_status is not None, "the first status")
            for _ in range(5):  # each sale nudges the worker, whatever it is doing
                await sell_one_baguette(pilot)
            for _ in range(20):
                app.sync_soon()
            await until(pilot, lambda: len(feed_of(NAME)) >= 5, "five sales on the server")
            await until(pilot, lambda: app.sync_status.waiting == 0, "all confirmed")
        sent = feed_of(NAME)
        assert len(sent) == len(set(sent))
        assert sorted(e for e, _, _ in sent).count("sale") == 5


async def test_closing_the_register_stops_the_worker(settings, tmp_path):
    with sqlite_server(tmp_path) as server:
        token = server.add_till(NAME)
        app = make_app(synced(settings, server.url, token, interval=1))
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.sync_status is not None, "the first status")
            worker = app.sync_worker
        assert worker is not None and worker.stopping
        assert worker._thread is not None
        worker._thread.join(5)  # the deadline guards a hang; stopping is what is asserted
        assert not worker._thread.is_alive()


def test_sales_save_while_a_big_pull_applies(settings, tmp_path):
    """Sync writes through its own connection, one page of changes per transaction: the
    register's writer waits for a page and never fails a sale."""
    with sqlite_server(tmp_path) as server:
        south = Till(
            tmp_path / "south" / "till.db", "south", server.add_till("south"), server.url, 2
        )
        shared = south.new_customer("Shared")
        with database.atomic():
            entries = [earn_point(shared) for _ in range(2_000)]
        south.sync()
        south.client.close()
        open_database(settings.database.path)

        service = SyncService(synced(settings, server.url, server.add_till(NAME)).sync)
        register = Register(settings)
        pulled = threading.Event()
        outcome: list[object] = []

        def pull() -> None:
            try:
                outcome.append(service.sync())
            except Exception as error:  # the test fails on it below
                outcome.append(error)
            finally:
                close_database()  # this thread's connection
                pulled.set()

        threading.Thread(target=pull).start()
        saved, rng = [], random.Random(7)
        codes = [p[0] for p in PRODUCTS[:4]]
        while not pulled.is_set() or len(saved) < 5:
            saved.append(register.record(random_cart(rng, codes)).id)
        register.close()
        service.close()
    open_database(settings.database.path)
    assert not isinstance(outcome[0], Exception), outcome
    assert outcome[0].pulled == 2_001
    assert sales.sale_count() == len(saved) and len(set(saved)) == len(saved)
    rows = database.execute_sql(
        "SELECT count(*) FROM loyalty_entry WHERE customer_id = ?", (shared,)
    )
    assert rows.fetchone()[0] == len(entries)


def test_an_interrupted_sync_stops_between_batches_and_is_not_counted_as_complete(
    settings, tmp_path
):
    with sqlite_server(tmp_path) as server:
        service = SyncService(synced(settings, server.url, server.add_till(NAME)).sync)
        try:
            open_database(settings.database.path)
            assert outbox.pending_count() == 0
            with database.atomic():
                customer = create_customer(
                    {"last_name": "Late"}, actor="test", till_no=1, region="FR"
                ).id
                earn_point(customer)
            service.interrupt()  # as closing the register does, here before the first batch
            result = service.sync()
            assert (result.pushed, result.pulled) == (0, 0)
            assert result.status.waiting == 2 and result.status.last_success == 0
            assert feed_of(NAME) == []
        finally:
            service.close()


def test_the_register_pushes_a_backlog_in_short_requests(settings, tmp_path):
    """A till back online with 250 changes waiting sends them 100 at a time: one request
    never carries more than a loaded server applies within the request's timeout."""
    with sqlite_server(tmp_path) as server:
        open_database(settings.database.path)
        customer = create_customer({"last_name": "Backlog"}, actor="t", till_no=1, region="FR")
        with database.atomic():
            for _ in range(249):
                earn_point(customer.id)
        service = SyncService(synced(settings, server.url, server.add_till(NAME)).sync)
        try:
            assert service.sync().pushed == 250
        finally:
            service.close()
        batches = AcceptedBatch.select().where(AcceptedBatch.till == NAME)
        sizes = sorted((json.loads(b.answer)["accepted"] for b in batches), reverse=True)
    assert sizes == [sync_service.PUSH_BATCH, sync_service.PUSH_BATCH, 50]
