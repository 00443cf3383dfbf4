"""`till devices` and `till devices watch`: without /dev/input here, and on replay devices."""

import json

import pytest
from click.testing import CliRunner

from devices.scanner.replay import ReplayDevice, ReplaySource
from till import cli_devices
from till.cli import cli

from .scanner_keyboard import scan

BY_ID = "/dev/input/by-id/usb-Honeywell_Imaging_1900-event-kbd"
MOUSE = {0: [0, 1, 2], 1: [272, 273, 274], 2: [0, 1, 8]}


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("TILL_CONFIG", raising=False)
    return CliRunner()


@pytest.fixture
def source(monkeypatch):
    source = ReplaySource()
    monkeypatch.setattr(cli_devices, "open_source", lambda: source)
    yield source
    source.dispose()


def config(tmp_path, text: str) -> str:
    path = tmp_path / "till.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", [["devices"], ["devices", "watch"], ["devices", "--json"]])
def test_without_dev_input_says_why_in_one_line(runner, command):
    result = runner.invoke(cli, command)
    assert result.exit_code == 2
    assert result.output.startswith("till: /dev/input does not exist")
    assert "keyboard-wedge mode" in result.output
    assert result.output.count("\n") == 1


def test_lists_devices_for_writing_the_config(runner, source, tmp_path):
    scanner = source.plug(
        ReplayDevice("Honeywell Imaging 1900", 0x0C2E, 0x0B61, links=[BY_ID], phys="usb-1.2/input0")
    )
    source.plug(ReplayDevice("USB HID KBW", 0x1A86, 0xE026))
    source.plug(ReplayDevice("AT Translated Set 2 keyboard", 0x0001, 0x0001))
    source.plug(ReplayDevice("Logitech USB Optical Mouse", 0x046D, 0xC077, capabilities=MOUSE))
    denied = source.plug(ReplayDevice("Power Button", 0, 1))
    source.denied.add(denied.path)
    toml = config(tmp_path, '[[scanner.devices]]\nmatch = "0c2e:0b61"\nrole = "product"\n')
    result = runner.invoke(cli, ["--config", toml, "devices"])
    assert result.exit_code == 0, result.output
    blocks = result.stdout.split("/dev/input/event")[1:]
    honeywell, kbw, keyboard, mouse, power = blocks
    assert "0c2e:0b61  Honeywell Imaging 1900" in honeywell
    assert f"by-id    {BY_ID}" in honeywell
    assert "phys     usb-1.2/input0" in honeywell
    assert "looks like one: vendor Honeywell" in honeywell
    assert "[[scanner.devices]] #1: product, layout us" in honeywell
    assert "looks like one: name has 'kbw'" in kbw
    assert "scanner" not in keyboard and "scanner" not in mouse
    assert "no permission" in power
    assert "5 input devices, 2 look like scanners." in result.stderr
    assert "cannot read 1 of them" in result.stderr
    assert scanner.closed and not scanner.grabbed


def test_lists_devices_as_json(runner, source):
    source.plug(ReplayDevice("Honeywell Imaging 1900", 0x0C2E, 0x0B61, links=[BY_ID]))
    result = runner.invoke(cli, ["devices", "--json"])
    [row] = json.loads(result.stdout)
    assert (row["vendor_product"], row["by_id"], row["name"]) == (
        "0c2e:0b61",
        BY_ID,
        "Honeywell Imaging 1900",
    )
    assert row["scanner_hint"].startswith("vendor")


def test_watch_prints_scans_of_the_configured_scanner_with_its_role(runner, source, tmp_path):
    scanner = source.plug(ReplayDevice("Honeywell Imaging 1900", 0x0C2E, 0x0B61))
    # The first scan is typed in US, the second in AZERTY: the config says AZERTY.
    scanner.send(scan("2000000000015") + scan("12345", "fr", start=1_763_900_001.0))
    toml = config(
        tmp_path,
        '[scanner]\nlayout = "fr"\n[[scanner.devices]]\nmatch = "0c2e:0b61"\nrole = "product"\n',
    )
    result = runner.invoke(cli, ["--config", toml, "devices", "watch", "--count", "2"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("product  éàààààààààà&(    [Honeywell Imaging 1900 (0c2e:0b61)")
    assert lines[1].startswith("product  12345    [")
    assert "Scanner Honeywell Imaging 1900 (0c2e:0b61) ready (product)." in result.stderr
    assert scanner.closed and not scanner.grabbed


def test_watch_without_config_watches_the_lookalikes_with_a_layout(runner, source):
    source.plug(ReplayDevice("AT Translated Set 2 keyboard", 0x0001, 0x0001))
    scanner = source.plug(ReplayDevice("USB HID KBW", 0x1A86, 0xE026))
    scanner.send(scan("12345", "fr"))
    result = runner.invoke(cli, ["devices", "watch", "--layout", "fr", "--count", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("any      12345    [USB HID KBW (1a86:e026), 5 characters]")


def test_watch_with_nothing_to_watch(runner, source):
    source.plug(ReplayDevice("AT Translated Set 2 keyboard", 0x0001, 0x0001))
    result = runner.invoke(cli, ["devices", "watch"])
    assert result.exit_code == 2
    assert "till: No scanner is configured and no input device looks like one" in result.output


def test_watch_refuses_an_event_number(runner, source):
    result = runner.invoke(cli, ["devices", "watch", "--match", "/dev/input/event3"])
    assert result.exit_code == 2
    assert "changes number at every boot" in result.output
