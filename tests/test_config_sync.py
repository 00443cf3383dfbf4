"""The ``[sync]`` table: a till alone needs none; a server URL must be https (or loopback
http), come with a token, and the environment may supply both."""

from __future__ import annotations

import pytest

from till.config import settings_from_dict
from till.errors import ConfigError

TOKEN = "q3Jx" * 10


def test_a_till_without_sync_is_alone():
    sync = settings_from_dict({}, environ={}).sync
    assert not sync.enabled
    assert sync.interval == 30


def test_a_server_with_its_token():
    sync = settings_from_dict(
        {
            "sync": {
                "url": "https://office.example:8470",
                "token": TOKEN,
                "name": "shop1-till1",
                "interval": 10,
            }
        },
        environ={},
    ).sync
    assert sync.enabled
    assert (sync.url, sync.token, sync.interval) == ("https://office.example:8470", TOKEN, 10)


def test_the_environment_supplies_url_and_token():
    environ = {"TILL_SYNC_URL": "https://env.example", "TILL_SYNC_TOKEN": TOKEN}
    table = {"url": "https://file.example", "name": "shop1-till1"}
    sync = settings_from_dict({"sync": table}, environ=environ).sync
    assert (sync.url, sync.token) == ("https://env.example", TOKEN)


@pytest.mark.parametrize(
    ("table", "complaint"),
    [
        ({"url": "http://office.example"}, "plain http:// only to this machine"),
        ({"url": "ftp://office.example", "token": TOKEN}, "must be https://"),
        ({"url": "https://office.example"}, "[sync] token: needed"),
        ({"token": TOKEN}, "[sync] url is empty"),
        ({"url": "https://office.example:99999", "token": TOKEN}, "not a valid URL"),
        ({"url": "https://office.example", "token": TOKEN}, "[sync] name: needed"),
        ({"url": "https://o.example", "token": TOKEN, "name": "till 1"}, "no till name"),
        ({"url": "https://office.example", "token": "a b c d e f g h i j"}, "not a token"),
        (
            {"url": "https://o.example", "token": TOKEN, "name": "t1", "interval": 0},
            "[sync] interval",
        ),
        (
            {"url": "https://o.example", "token": TOKEN, "name": "t1", "ca_bundle": "/x.pem"},
            "not a file",
        ),
    ],
)
def test_a_bad_sync_table_is_named(table, complaint):
    with pytest.raises(ConfigError) as refused:
        settings_from_dict({"sync": table}, environ={})
    assert complaint in str(refused.value)


def test_loopback_http_is_allowed_for_a_tunnel():
    sync = settings_from_dict(
        {"sync": {"url": "http://127.0.0.1:8470", "token": TOKEN, "name": "t1"}}, environ={}
    ).sync
    assert sync.url == "http://127.0.0.1:8470"
