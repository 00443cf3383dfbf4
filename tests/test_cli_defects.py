"""Command-line defects found by trying the till as a new user: each test failed before its fix."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from storage.db import close_database
from till.cli import cli


@pytest.fixture
def runner():
    yield CliRunner()
    close_database()


@pytest.fixture
def shop(runner, tmp_path) -> Path:
    db = tmp_path / "shop.db"
    assert runner.invoke(cli, ["--db", str(db), "init"]).exit_code == 0
    return db


def test_the_kiosk_refuses_to_start_without_a_manager_pin(runner, shop, monkeypatch):
    started = []
    monkeypatch.setattr("till.app.TillApp.run", lambda app, *a, **k: started.append(app))
    result = runner.invoke(cli, ["--db", str(shop), "kiosk"])
    assert result.exit_code == 2
    assert result.output.startswith("till: ") and result.output.count("\n") == 1
    assert "manager PIN" in result.output and "till manager-pin" in result.output
    assert started == []


def test_the_demo_runs_the_kiosk(runner, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("till.app.TillApp.run", lambda app, *a, **k: started.append(app))
    result = runner.invoke(cli, ["--db", str(tmp_path / "demo.db"), "demo", "--kiosk"])
    assert result.exit_code == 0, result.output
    assert len(started) == 1 and started[0].kiosk_timeout == 20
    assert "Kiosk cards to type or scan: 29" in result.output and "PIN 1234" in result.output


def _zoe(runner, shop, *extra: str):
    return runner.invoke(
        cli,
        [
            "--db",
            str(shop),
            "customers",
            "add",
            "--last-name",
            "Martin",
            "--first-name",
            "Zoé",
            *extra,
        ],
    )


def test_loyalty_adjust_says_no_pin_is_set_before_asking_for_one(runner, shop):
    added = _zoe(runner, shop)
    code = added.output.split()[0]
    result = runner.invoke(
        cli,
        ["--db", str(shop), "loyalty", "adjust", code, "50", "--reason", "gift"],
        input="1234\n",
    )
    assert result.exit_code == 2
    assert "Manager PIN" not in result.output  # not asked
    assert result.output == (
        "till: No manager PIN is set: a technician adds a manager with `till user add NAME"
        " --role manager`.\n"
    )


def test_customers_add_refuses_an_email_or_phone_already_on_file(runner, shop):
    first = _zoe(runner, shop, "--email", "zoe@example.fr", "--phone", "06 12 34 56 78")
    assert first.exit_code == 0, first.output
    code = first.output.split()[0]

    same_email = _zoe(runner, shop, "--email", "Zoe@Example.FR")
    assert same_email.exit_code == 2
    assert same_email.output.count("\n") == 1 and same_email.output.startswith("till: ")
    assert f"{code} MARTIN Zoé already has this e-mail or phone" in same_email.output
    assert "--force" in same_email.output

    same_phone = runner.invoke(
        cli,
        ["--db", str(shop), "customers", "add", "--last-name", "Other", "--phone", "+33612345678"],
    )
    assert same_phone.exit_code == 2 and code in same_phone.output

    forced = _zoe(runner, shop, "--email", "zoe@example.fr", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.output.split()[0] != code
    found = runner.invoke(cli, ["--db", str(shop), "customers", "search", "martin"])
    assert found.output.count("MARTIN Zoé") == 2

    other = _zoe(runner, shop, "--email", "someone.else@example.fr")
    assert other.exit_code == 0, other.output  # a different contact is no duplicate
