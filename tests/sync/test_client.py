"""The client's connection: TLS verified by default, a private CA when configured, bounded
timeouts, and a server of another version named in one line."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sync.client import SyncClient
from sync.protocol import VersionMismatch
from sync.server.app import create_app
from tests.sync.conftest import serving
from till.errors import SyncError

TLS = Path(__file__).parent / "tls"
"""A self-signed certificate for 127.0.0.1 (valid until 2126), made for these tests only:
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1"""


@pytest.fixture
def tls_url(tmp_path):
    app = create_app(f"sqlite:///{tmp_path / 'server.db'}")
    certificate = {
        "ssl_certfile": str(TLS / "loopback.crt"),
        "ssl_keyfile": str(TLS / "loopback.key"),
    }
    with serving(app, **certificate) as (host, port):
        yield f"https://{host}:{port}"


def test_an_unknown_certificate_is_refused_by_default(tls_url, db_path, caplog):
    caplog.set_level(logging.INFO, logger="sync.client")
    with (
        SyncClient(tls_url, "token", "north", attempts=1) as client,
        pytest.raises(SyncError, match=r"its TLS certificate is not trusted"),
    ):
        client.pull_once()
    assert "CERTIFICATE_VERIFY_FAILED" in caplog.text  # the detail, for the log only


def test_a_configured_ca_bundle_is_trusted(tls_url, db_path):
    from sync.server import store

    token = store.add_till("north")
    with SyncClient(tls_url, token, "north", ca_bundle=str(TLS / "loopback.crt")) as client:
        assert client.pull_once().received == 0


def test_timeouts_are_never_unbounded():
    with pytest.raises(ValueError, match="positive"):
        SyncClient("http://127.0.0.1:9", "t", "north", timeout=0)
    with SyncClient("http://127.0.0.1:9", "t", "north") as client:
        timeout = client._http.timeout
        assert timeout.connect == 3.0 and timeout.read == 15.0


def test_a_newer_server_is_one_line_naming_the_till_to_update(server, make_till, monkeypatch):
    north = make_till("north", 1)
    north.new_customer("Martin")
    # The server (in this process) now checks against version 2; the till's batch and its
    # outbox rows were written as version 1.
    monkeypatch.setattr("sync.protocol.PROTOCOL_VERSION", 2)
    north.use()
    with pytest.raises(VersionMismatch) as caught:
        north.client.push_once()
    assert str(caught.value) == (
        "The till speaks sync protocol 1 and the server protocol 2: update the till."
    )


def test_an_unreadable_ca_bundle_is_one_clear_error(tmp_path):
    (tmp_path / "ca.pem").write_text("not a certificate")
    for path in (tmp_path / "ca.pem", tmp_path / "absent.pem"):
        with pytest.raises(SyncError, match=f"^{path}: not a CA bundle this till can read"):
            SyncClient("https://127.0.0.1:9", "t", "north", ca_bundle=str(path))
