"""``till sync --once|--daemon`` and ``till doctor``'s sync lines, run as the real program
against the real server; two sync processes on one till lose and double nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from storage import outbox, sync_state
from storage.customers import create_customer
from storage.db import close_database, open_database
from storage.models import database as till_database
from tests.sync.conftest import RunningServer, Till
from tests.sync.sync_till import DeadPort, earn_point, feed_of, sqlite_server, wait_until
from till.config import Settings, SyncSettings
from till.doctor import diagnose

NORTH, SOUTH = "shop1-north", "shop2-south"


@pytest.fixture
def server(tmp_path: Path):
    with sqlite_server(tmp_path) as running:
        yield running


def config(tmp_path: Path, db: Path, url: str, token: str, name: str = NORTH, **more) -> Path:
    path = tmp_path / f"{name}.toml"
    extra = "".join(f"{key} = {value}\n" for key, value in more.items())
    path.write_text(
        f'[database]\npath = "{db}"\n\n[sync]\nurl = "{url}"\ntoken = "{token}"\n'
        f'name = "{name}"\n{extra}',
        encoding="utf-8",
    )
    return path


def till_command(config_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "till", "--config", str(config_path), *args]


def run(config_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        till_command(config_path, *args), capture_output=True, text=True, timeout=120
    )


def north_with_changes(tmp_path: Path, server: RunningServer, customers: int, points: int):
    """Till north with ``customers`` customers each earning ``points`` times, not synced."""
    till = Till(
        tmp_path / "north" / "till.db", NORTH, server.add_till(NORTH), server.url, till_no=1
    )
    with till_database.atomic():  # one commit: a thousand fsyncs would be the test's time
        for n in range(customers):
            customer = create_customer(
                {"last_name": f"North{n}"}, actor="test", till_no=1, region="FR"
            ).id
            for _ in range(points):
                earn_point(customer)
    till.client.close()
    close_database()
    return till


def test_once_sends_and_fetches_and_says_so_in_one_line(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=2, points=1)
    result = run(config(tmp_path, north.path, server.url, north.token), "sync", "--once")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Synced with {server.url} as {NORTH}: 4 changes sent, 0 received from other tills, "
        "nothing waiting."
    ]
    assert [entity for entity, _, _ in feed_of(NORTH)] == ["customer", "loyalty_entry"] * 2
    again = run(config(tmp_path, north.path, server.url, north.token), "sync", "--once")
    assert "0 changes sent, 0 received" in again.stdout, again.stderr
    assert len(feed_of(NORTH)) == 4


def test_once_against_a_server_that_is_down_fails_in_one_line(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=1, points=0)
    dead = DeadPort()
    try:
        result = run(config(tmp_path, north.path, dead.url, north.token), "sync", "--once")
    finally:
        dead.close()
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.startswith("till: Sync failed: cannot reach the server at ")
    assert len(result.stderr.splitlines()) == 1


def test_a_refused_token_fails_in_one_line(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=1, points=0)
    result = run(config(tmp_path, north.path, server.url, "x" * 43), "sync", "--once")
    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "till: The server refused: This till token is unknown or was revoked."
    ]


def test_without_a_sync_table_both_modes_refuse_in_one_line(tmp_path):
    path = tmp_path / "alone.toml"
    path.write_text(f'[database]\npath = "{tmp_path / "alone.db"}"\n', encoding="utf-8")
    for mode in ("--once", "--daemon"):
        result = run(path, "sync", mode)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "till: sync is not configured: set url, token and name in the [sync] table of "
            "the config (see docs/sync.md)."
        ]


def test_the_daemon_syncs_until_sigterm(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=1, points=1)
    path = config(tmp_path, north.path, server.url, north.token, interval=1)
    daemon = subprocess.Popen(
        till_command(path, "sync", "--daemon"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: len(feed_of(NORTH)) == 2, "north's changes on the server")
        open_database(north.path)
        customer = north.new_customer("Later")  # made while the daemon runs: the next sync
        close_database()
        wait_until(lambda: ("customer", "create", customer) in feed_of(NORTH), "a later change")
    finally:
        daemon.send_signal(signal.SIGTERM)
        out, err = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, err
    lines = out.splitlines()
    assert "Syncing with" in lines[0] and lines[-1].endswith("Stopped.")
    assert err == ""


def test_two_sync_processes_on_one_till_lose_and_double_nothing(tmp_path, server):
    """The register's worker and a `till sync` (or two of them) on one till: the same rows
    go under the same key (the server answers the second sending with the first answer), a
    row sent again under another key is known by its outbox number, and the pull cursor only
    moves forward, so each change arrives once on the server and once on the till."""
    south = Till(
        tmp_path / "south" / "till.db", SOUTH, server.add_till(SOUTH), server.url, till_no=2
    )
    shared = south.new_customer("Shared")
    with till_database.atomic():
        south_entries = [earn_point(shared) for _ in range(300)]
    south.sync()
    south.client.close()
    close_database()
    north = north_with_changes(tmp_path, server, customers=150, points=3)  # 600 changes

    path = config(tmp_path, north.path, server.url, north.token)
    processes = [
        subprocess.Popen(
            till_command(path, "sync", "--once"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(120), *p.communicate()) for p in processes]
    for status, _out, err in results:
        assert status == 0, err

    sent = feed_of(NORTH)
    assert len(sent) == 600 and len(set(sent)) == 600  # more than one batch (500)
    open_database(north.path)
    try:
        assert outbox.pending_count() == 0
        rows = till_database.execute_sql(
            "SELECT id FROM loyalty_entry WHERE customer_id = ?", (shared,)
        ).fetchall()
        assert sorted(row[0] for row in rows) == sorted(south_entries)  # each once
        assert sync_state.get(sync_state.PULL_CURSOR) == len(sent) + 301
    finally:
        close_database()


def sync_settings(db: Path, url: str, token: str) -> Settings:
    return Settings(sync=SyncSettings(url=url, token=token, name=NORTH)).with_database(db)


def sync_lines(settings: Settings) -> list[tuple[str, str]]:
    try:
        return [(status, text) for status, part, text in diagnose(settings, "") if part == "sync"]
    finally:
        close_database()


def test_doctor_checks_the_server_the_token_and_what_waits(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=1, points=1)
    lines = sync_lines(sync_settings(north.path, server.url, north.token))
    assert lines == [
        ("ok", f"{server.url}: reachable, protocol version matches"),
        ("ok", f"till {NORTH}: token accepted"),
        ("warn", "2 changes waiting, last complete sync never"),
    ]
    assert (
        run(config(tmp_path, north.path, server.url, north.token), "sync", "--once").returncode == 0
    )
    assert sync_lines(sync_settings(north.path, server.url, north.token))[-1][0] == "ok"


def test_doctor_fails_a_refused_token_and_a_server_that_is_down(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=1, points=0)
    refused = sync_lines(sync_settings(north.path, server.url, "y" * 43))
    assert refused[0][0] == "ok"
    assert refused[1] == (
        "fail",
        f"till {NORTH}: token refused (The server refused: This till token is unknown or was "
        "revoked.)",
    )
    dead = DeadPort()
    try:
        down = sync_lines(sync_settings(north.path, dead.url, north.token))
    finally:
        dead.close()
    assert len(down) == 1 and down[0][0] == "fail"
    assert "cannot reach the server" in down[0][1]


def test_doctor_exits_1_when_sync_fails(tmp_path, server):
    north = north_with_changes(tmp_path, server, customers=1, points=0)
    dead = DeadPort()
    try:
        result = run(config(tmp_path, north.path, dead.url, north.token), "doctor")
    finally:
        dead.close()
    assert result.returncode == 1
    assert any(line.startswith("fail  sync") for line in result.stdout.splitlines())


def test_doctor_names_the_side_to_update_when_protocols_differ(tmp_path, server, monkeypatch):
    north = north_with_changes(tmp_path, server, customers=1, points=0)
    monkeypatch.setattr("sync.server.app.PROTOCOL_VERSION", 2)  # the server, in this process
    lines = sync_lines(sync_settings(north.path, server.url, north.token))
    assert lines == [
        ("fail", "The till speaks sync protocol 1 and the server protocol 2: update the till.")
    ]


def test_a_change_the_server_refuses_can_be_set_aside_and_the_rest_goes_on(tmp_path, server):
    """One bad row (written before a rule existed, or by an older version) would stop every
    change behind it: the refusal names its outbox number, a technician sets it aside with a
    reason, and the next sync sends the rest. The row stays, listed and audited."""
    from datetime import UTC, datetime

    from storage import audit

    north = north_with_changes(tmp_path, server, customers=1, points=1)
    open_database(north.path)
    customer = outbox.pending(1)[0]["entity_id"]
    at = datetime.now(UTC).isoformat()
    bad = {"id": "0" * 8 + "-0000-4000-8000-" + "0" * 12, "customer_id": customer, "kind": "earn"}
    bad |= {"points": "12", "sale_id": None, "reason": "", "actor": "old", "at": at}
    with till_database.atomic():
        outbox.append("loyalty_entry", bad["id"], "create", bad, at)
        earn_point(customer)  # behind the bad one
    bad_seq = outbox.pending(10)[-2]["seq"]
    close_database()
    path = config(tmp_path, north.path, server.url, north.token)

    refused = run(path, "sync", "--once")
    assert refused.returncode != 0 and refused.stderr.count("\n") == 1
    assert f"change {bad_seq} (loyalty_entry {bad['id']}), field points" in refused.stderr
    assert feed_of(NORTH) == []  # all or nothing: the good changes wait behind it

    assert run(path, "sync", "--set-aside", str(bad_seq)).returncode == 2  # no reason given
    done = run(path, "sync", "--set-aside", str(bad_seq), "--reason", "points as text, v0.9")
    assert done.returncode == 0, done.stderr
    assert f"Change {bad_seq} (loyalty_entry create {bad['id']}) set aside" in done.stdout
    synced = run(path, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert len(feed_of(NORTH)) == 3  # the customer and both good points
    assert bad["id"] not in {entity_id for _, _, entity_id in feed_of(NORTH)}
    listed = run(path, "sync", "--set-aside-list")
    assert f"{bad_seq}  loyalty_entry create {bad['id']}" in listed.stdout
    assert "points as text, v0.9" in listed.stdout
    again = run(path, "sync", "--set-aside", str(bad_seq), "--reason", "twice")
    assert again.returncode != 0 and "not waiting to be sent" in again.stderr
    open_database(north.path)
    try:
        assert outbox.set_aside_changes()[0][0] == bad_seq
        assert [e.action for e in audit.history("outbox", str(bad_seq))] == ["set aside"]
    finally:
        close_database()
