"""``till server``: add a till (its token alone on the last line), list, revoke; errors are one
``till: …`` line with the documented exit status. ``run`` serves tills under uvicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from sync.server.app import DB_URL_VARIABLE, KEYS_VARIABLE, REGION_VARIABLE
from till.cli import cli


@pytest.fixture(autouse=True)
def server_variables_restored(monkeypatch):
    """`till server run` in-process sets these for its workers: they must not reach the tests
    that run after it in the same process."""
    for name in (DB_URL_VARIABLE, REGION_VARIABLE, KEYS_VARIABLE):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_add_till_prints_its_token_alone_on_the_last_line(runner, server_db_url):
    url = server_db_url
    added = runner.invoke(cli, ["server", "add-till", "--db", url, "north"])
    assert added.exit_code == 0, added.output
    token = added.stdout.splitlines()[-1]
    assert len(token) >= 43 and " " not in token
    from sync.server import store

    assert store.authenticate(token) == "north"

    listed = runner.invoke(cli, ["server", "tills", "--db", url])
    assert listed.exit_code == 0 and "north" in listed.stdout and "active" in listed.stdout

    revoked = runner.invoke(cli, ["server", "revoke", "--db", url, "north"])
    assert revoked.exit_code == 0, revoked.output
    assert store.authenticate(token) is None
    assert "revoked" in runner.invoke(cli, ["server", "tills", "--db", url]).stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add-till", "north"], "A till named north exists already."),
        (["add-till", "bad name\x1b"], "cannot name a till"),
        (["revoke", "south"], "No till is named south."),
    ],
)
def test_refusals_are_one_line_with_status_2(runner, server_db_url, args, message):
    url = server_db_url
    runner.invoke(cli, ["server", "add-till", "--db", url, "north"])
    result = runner.invoke(cli, ["server", args[0], "--db", url, *args[1:]])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("till: ")
    assert message in result.stderr
    assert "\x1b" not in result.stderr


def test_a_bad_database_url_is_one_line(runner, tmp_path):
    result = runner.invoke(cli, ["server", "tills", "--db", "nosuch://x"])
    assert result.exit_code == 2
    assert result.stderr == (
        "till: cannot use the database URL (nosuch): "
        'Unrecognized or unsupported scheme: "nosuch".\n'
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_run_serves_tills(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    port = _free_port()
    env = {**os.environ, "TILL_SERVER_DB": url}
    command = [sys.executable, "-m", "till", "server"]
    token = subprocess.run(
        [*command, "add-till", "north"], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()[-1]
    process = subprocess.Popen(
        [*command, "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert health.json() == {"v": 1, "ok": True}
        pulled = httpx.get(
            f"http://127.0.0.1:{port}/v1/changes",
            params={"after": 0},
            headers={"Authorization": f"Bearer {token}", "Till-Sync-Version": "1"},
            timeout=5,
        )
        assert pulled.json() == {"v": 1, "changes": [], "cursor": 0, "more": False}
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)


def test_a_port_in_use_is_one_line(runner, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        url = f"sqlite:///{tmp_path / 'server.db'}"
        result = runner.invoke(cli, ["server", "run", "--db", url, "--port", str(port)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"till: cannot listen on 127.0.0.1 port {port} (Address already in use).\n"
    )


def test_several_workers_share_a_listening_socket_that_sends_at_once(monkeypatch, runner, tmp_path):
    """With --workers N, uvicorn binds the socket the workers share without TCP_NODELAY, and
    accepted connections inherit that: each request after the first on a kept-alive
    connection waited for Nagle's algorithm. The shared socket now has it set."""
    import uvicorn.supervisors

    no_delay: list[int] = []

    class Supervisor:  # stands in for uvicorn's, which would start the worker processes
        def __init__(self, config, sockets: list[socket.socket]) -> None:
            no_delay.extend(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)
            self.sockets = sockets

        def run(self) -> None:
            for listening in self.sockets:
                listening.close()

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", Supervisor)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = f"sqlite:///{tmp_path / 'server.db'}"
    result = runner.invoke(
        cli, ["server", "run", "--db", db, "--port", str(port), "--workers", "2"]
    )
    assert result.exit_code == 0, result.output
    assert no_delay and all(no_delay)
