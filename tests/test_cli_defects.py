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
