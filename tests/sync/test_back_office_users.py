"""Users the back office manages: added on the server, they reach every till through the
feed and log in there with their PIN, checked with the business's pepper; a till's own users
stay its own."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from storage import keys, remote_changes
from storage.remote_changes import RemoteChange
from storage.users import UserError
from sync.fields import Fields, ProtocolError
from sync.payloads import check_payload
from sync.protocol import SERVER_ORIGIN
from sync.server import store
from sync.server.models import FeedEntry
from till.cli import cli
from till.core.people import Role
from till.people_service import PinRefused
from till.register import Register


@pytest.fixture
def back_office(tmp_path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    store.open_server_database(url)
    return url


def _server_user(url: str, name: str, role: str, pin: str):
    return CliRunner().invoke(
        cli, ["server", "user", "add", "--db", url, "--role", role, name], input=f"{pin}\n"
    )


def _feed_users() -> list[RemoteChange]:
    entries = FeedEntry.select().where(FeedEntry.entity == "user").order_by(FeedEntry.seq)
    return [RemoteChange(e.entity, e.operation, json.loads(e.payload), e.till) for e in entries]


def test_a_server_user_is_one_feed_change_that_every_till_checks(back_office, tmp_path):
    added = _server_user(back_office, "Max", "manager", "2222")
    assert added.exit_code == 0, added.output
    assert "every till has them at its next sync" in added.output
    (change,) = _feed_users()
    assert change.till == SERVER_ORIGIN and "2222" not in json.dumps(change.payload)
    payload = {k: v for k, v in change.payload.items() if k != "v"}
    check_payload("user", "upsert", payload["id"], Fields(payload, "user"))  # the till's own checks
    assert (tmp_path / "keys" / keys.PEPPER).exists()  # the business's pepper, outside
    again = _server_user(back_office, "Maxine", "cashier", "2222")
    assert again.exit_code != 0 and "Another user has this PIN" in again.output


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("role", "superuser"),
        ("pin_hash", "2222"),
        ("pin_tag", "not-hex"),
        ("name", "Max\x1b[2J"),
        ("disabled", "no"),
    ],
)
def test_a_forged_user_change_is_refused_by_field(back_office, field, value):
    _server_user(back_office, "Max", "manager", "2222")
    (change,) = _feed_users()
    payload = {k: v for k, v in change.payload.items() if k != "v"} | {field: value}
    with pytest.raises(ProtocolError, match=field):
        check_payload("user", "upsert", payload["id"], Fields(payload, "user"))


def test_a_till_logs_in_the_back_office_s_users_with_the_business_pepper(
    back_office, settings, tmp_path
):
    _server_user(back_office, "Max", "manager", "2222")
    changes = _feed_users()
    register = Register(settings)
    people = register.people
    people.add_user("Carla", Role.CASHIER, "1111")  # the till's own, with its own pepper
    remote_changes.apply_remote(changes, 1)
    with pytest.raises(PinRefused, match="Wrong PIN"):
        people.log_in("2222")  # no business pepper yet: the hash cannot be checked
    business = keys.pin_pepper(tmp_path / "keys")  # the server's, as sync hands it over
    assert keys.keep_business_pepper(settings.key_dir, business) is True
    assert people.log_in("2222").name == "Max"
    assert people.log_in("1111").name == "Carla"
    with pytest.raises(UserError, match="managed by the back office"):
        people.disable("Max")
    with pytest.raises(Exception, match="another PIN pepper"):
        keys.keep_business_pepper(settings.key_dir, bytes(32))
    register.close()


def test_a_back_office_user_disabled_on_the_server_is_disabled_on_the_till(
    back_office, settings, tmp_path
):
    _server_user(back_office, "Max", "manager", "2222")
    disabled = CliRunner().invoke(cli, ["server", "user", "disable", "--db", back_office, "Max"])
    assert disabled.exit_code == 0, disabled.output
    register = Register(settings)
    keys.keep_business_pepper(settings.key_dir, keys.pin_pepper(tmp_path / "keys"))
    remote_changes.apply_remote(_feed_users(), 2)
    with pytest.raises(PinRefused):
        register.people.log_in("2222")
    register.close()


def test_a_till_user_with_the_back_office_user_s_name_makes_room(back_office, settings):
    from storage import events

    register = Register(settings)
    register.people.add_user("Max", Role.CASHIER, "1111")
    _server_user(back_office, "Max", "manager", "2222")
    remote_changes.apply_remote(_feed_users(), 1)
    names = {(u.name, u.origin) for u in register.people.users()}
    assert names == {("Max", "server"), ("Max (till)", "local")}
    (renamed,) = [
        e for e in events.recent(kind=events.USER_CHANGE) if e.details["change"] == "renamed"
    ]
    assert renamed.details == {"user": "Max", "change": "renamed", "to": "Max (till)"}
    register.close()


def test_a_till_syncing_gets_the_users_and_the_pepper_and_logs_them_in(
    server, make_till, tmp_path, monkeypatch
):
    server_keys = tmp_path / "server-keys"
    monkeypatch.setenv("TILL_SERVER_KEYS", str(server_keys))
    north = make_till("north", 1)
    added = CliRunner().invoke(
        cli,
        [
            "server",
            "user",
            "add",
            "--db",
            server.db_url,
            "--key-dir",
            str(server_keys),
            "--role",
            "manager",
            "Max",
        ],
        input="2222\n",
    )
    assert added.exit_code == 0, added.output
    north.sync()
    assert keys.business_pepper(tmp_path / "north" / "keys") == keys.pin_pepper(server_keys)
    settings = _till_settings(north.path)
    people = Register(settings).people
    assert people.log_in("2222").name == "Max"


def _till_settings(path):
    from till.config import Settings

    return Settings().with_database(path)


def test_the_back_office_refuses_a_journal_that_went_back(server, make_till, tmp_path):
    from sync.server.journal_heads import problems
    from till.errors import SyncError

    north = make_till("north", 1)
    north.new_customer("Martin")
    north.sync()  # the heads of every chain with entries
    anchor = tmp_path / "north" / "keys" / "journal-anchor.json"
    before = anchor.read_text()
    north.new_customer("Durand")
    north.sync()
    anchor.write_text(before)  # the till's journal and its anchor taken back together
    with pytest.raises(SyncError, match="went back"):
        north.client.send_journal_heads()
    assert "went back" in problems()["north"]
    listed = CliRunner().invoke(cli, ["server", "tills", "--db", server.db_url])
    assert "JOURNAL: Till north's audit went back" in listed.output


def test_the_back_office_refuses_heads_not_signed_by_the_till_s_key(server, make_till, tmp_path):
    import json as json_module

    from till.errors import SyncError

    north = make_till("north", 1)
    north.new_customer("Martin")
    north.sync()
    north.new_customer("Durand")
    anchor = tmp_path / "north" / "keys" / "journal-anchor.json"
    from storage.journal_seal import flush_anchor

    flush_anchor()
    document = json_module.loads(anchor.read_text())
    entry = document["chains"]["audit"]
    entry["signature"] = ("0" if entry["signature"][0] != "0" else "1") + entry["signature"][1:]
    anchor.write_text(json_module.dumps(document))
    with pytest.raises(SyncError, match="not signed"):
        north.client.send_journal_heads()


def test_a_renamed_till_user_keeps_within_a_name_s_bound(back_office, settings):
    from till.core.people import MAX_NAME

    register = Register(settings)
    long_name = "M" * MAX_NAME
    register.people.add_user(long_name, Role.CASHIER, "1111")
    _server_user(back_office, long_name, "manager", "2222")
    remote_changes.apply_remote(_feed_users(), 1)
    renamed = [u.name for u in register.people.users() if u.origin == "local"]
    assert renamed == ["M" * (MAX_NAME - 7) + " (till)"] and len(renamed[0]) == MAX_NAME
    register.close()
