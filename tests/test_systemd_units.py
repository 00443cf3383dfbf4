"""``till install-systemd`` on a real directory tree, and every unit it writes checked by
``systemd-analyze verify`` (Debian's ``systemd`` package; ``.ci/run`` installs it): a unit
systemd would warn about, or whose command does not exist, fails here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from till.cli import cli

UNITS = Path("etc/systemd/system")
RULES = Path("etc/udev/rules.d")
SERVER_DB = "sqlite:////var/lib/till/server.sqlite"
TILL = Path(sys.executable).parent / "till"


def till(*args: str) -> Result:
    return CliRunner().invoke(cli, ["install-systemd", *args])


def assert_refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("till: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def verify(unit: Path) -> list[str]:
    """What ``systemd-analyze verify`` says about ``unit``: its exit status must be 0 and no
    line may name the unit (warnings such as an unknown key only print a line)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: install Debian's systemd package (.ci/run)"
    done = subprocess.run(
        [analyze, "verify", "--man=no", unit.name],
        cwd=unit.parent,
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice", "SYSTEMD_PAGER": "cat"},
    )
    said = [line for line in (done.stdout + done.stderr).splitlines() if unit.name in line]
    if done.returncode != 0:
        said.append(f"exit status {done.returncode}")
    return said


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every unit, rendered for this venv's ``till``: the register's, the kiosk's (from a
    second install, since one tty holds one of them), sync and server."""
    units = {}
    for flags in (["--server", "--db", SERVER_DB], ["--kiosk"]):
        root = tmp_path_factory.mktemp("root")
        result = till("--root", str(root), *flags)
        assert result.exit_code == 0, result.output
        units.update({unit.name: unit for unit in (root / UNITS).glob("*.service")})
    return units


def test_every_unit_is_installed_for_this_till(installed: dict[str, Path]) -> None:
    names = {"till.service", "till-kiosk.service", "till-sync.service", "till-server.service"}
    assert set(installed) == names
    for unit in installed.values():
        text = unit.read_text()
        assert "/opt/till" not in text
        assert f"ExecStart={TILL}" in text and TILL.is_file()


@pytest.mark.parametrize(
    "name", ["till.service", "till-kiosk.service", "till-sync.service", "till-server.service"]
)
def test_systemd_analyze_verifies_the_unit(installed: dict[str, Path], name: str) -> None:
    assert verify(installed[name]) == []


@pytest.mark.parametrize(
    ("good", "bad", "complaint"),
    [
        ("Restart=always", "Restrat=always", "Unknown key"),
        (f"ExecStart={TILL}", "ExecStart=/nonexistent/bin/till", "not executable"),
        ("TTYPath=/dev/tty1", "TTYPath=tty1", "TTYPath"),
    ],
)
def test_verify_fails_a_broken_unit(
    installed: dict[str, Path], tmp_path: Path, good: str, bad: str, complaint: str
) -> None:
    """The check above can fail: the register's unit with one mistake does."""
    text = installed["till.service"].read_text()
    assert good in text
    broken = tmp_path / "till.service"
    broken.write_text(text.replace(good, bad))
    said = verify(broken)
    assert said and complaint in " ".join(said), said


def test_register_and_kiosk_conflict_and_take_tty1(installed: dict[str, Path]) -> None:
    register = installed["till.service"].read_text().splitlines()
    kiosk = installed["till-kiosk.service"].read_text().splitlines()
    assert "Conflicts=getty@tty1.service till-kiosk.service" in register
    assert "Conflicts=getty@tty1.service till.service" in kiosk
    assert f"ExecStart={TILL} kiosk" in kiosk
    for lines in (register, kiosk):
        assert "TTYPath=/dev/tty1" in lines and "Restart=always" in lines
        assert any(line.startswith("ExecStartPre=-+/usr/bin/setfont ") for line in lines)


def test_kiosk_replaces_the_register_and_server_needs_db(tmp_path: Path) -> None:
    assert till("--root", str(tmp_path), "--kiosk").exit_code == 0
    names = sorted(path.name for path in (tmp_path / UNITS).iterdir())
    assert names == ["till-kiosk.service", "till-sync.service"]
    assert sorted(path.name for path in (tmp_path / RULES).iterdir()) == [
        "99-till-printers.rules",
        "99-till-scanners.rules",
    ]
    assert_refused(till("--root", str(tmp_path), "--server"), "--db")


def test_server_url_goes_to_a_private_file(tmp_path: Path) -> None:
    result = till("--root", str(tmp_path), "--server", "--db", SERVER_DB)
    assert result.exit_code == 0, result.output
    env = tmp_path / "etc/till/server.env"
    assert f"TILL_SERVER_DB={SERVER_DB}" in env.read_text().splitlines()
    assert env.stat().st_mode & 0o777 == 0o600
    assert SERVER_DB not in (tmp_path / UNITS / "till-server.service").read_text()
    assert "systemctl enable --now till-server" in result.stdout


def test_user_is_rendered_into_units_and_scanner_rules(tmp_path: Path) -> None:
    assert till("--root", str(tmp_path), "--user", "shop").exit_code == 0
    unit = (tmp_path / UNITS / "till.service").read_text().splitlines()
    assert "User=shop" in unit and "Group=shop" in unit and "User=till" not in unit
    scanners = (tmp_path / RULES / "99-till-scanners.rules").read_text()
    assert 'GROUP="shop"' in scanners and 'GROUP="till"' not in scanners


@pytest.mark.parametrize("name", ["Till", "till shop", "till\nUser=root", "9till", "a" * 33, ""])
def test_a_user_name_a_unit_cannot_hold_is_refused(tmp_path: Path, name: str) -> None:
    assert_refused(till("--root", str(tmp_path), "--user", name), "not a user name")
    assert not (tmp_path / "etc").exists()


def test_an_unknown_user_is_refused_on_this_machine() -> None:
    assert_refused(till("--user", "no-such-till-user", "--dry-run"), "no user 'no-such-till-user'")


@pytest.mark.parametrize("url", ['sqlite:///x"y', "sqlite:///a b", "postgresql://u:$p@h/d", "x"])
def test_a_url_an_environment_file_would_mangle_is_refused(tmp_path: Path, url: str) -> None:
    assert_refused(till("--root", str(tmp_path), "--server", "--db", url), "--db")
    assert not (tmp_path / "etc").exists()


def test_a_changed_unit_is_kept_without_force(tmp_path: Path) -> None:
    assert till("--root", str(tmp_path)).exit_code == 0
    unit = tmp_path / UNITS / "till.service"
    changed = unit.read_text() + "# the shop's own change\n"
    unit.write_text(changed)
    assert_refused(till("--root", str(tmp_path)), str(unit), "--force")
    assert unit.read_text() == changed
    again = till("--root", str(tmp_path), "--force")
    assert again.exit_code == 0, again.output
    assert "# the shop's own change" not in unit.read_text()
    unchanged = till("--root", str(tmp_path))
    assert unchanged.exit_code == 0 and f"unchanged: {unit}" in unchanged.stdout


def test_dry_run_writes_nothing_and_says_what_it_would(tmp_path: Path) -> None:
    result = till("--root", str(tmp_path), "--dry-run", "--server", "--db", SERVER_DB)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "etc").exists()
    assert f"would write: {tmp_path / UNITS / 'till.service'}" in result.stdout
    assert f"would write: {tmp_path / RULES / '99-till-scanners.rules'}" in result.stdout
    assert "  systemctl enable --now till" in result.stdout.splitlines()


def test_a_till_path_a_unit_would_misread_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "executable", "/home/shop/my till/.venv/bin/python")
    assert_refused(till("--root", str(tmp_path)), "/home/shop/my till/.venv/bin/till")
    assert not (tmp_path / "etc").exists()
