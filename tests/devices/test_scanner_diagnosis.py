"""What `till doctor` is told about scanners: in use, or why not."""

import sys

import pytest

from devices.scanner.diagnosis import scanner_diagnosis
from devices.scanner.evdev_reader import scanner_diagnosis as reader_diagnosis
from devices.scanner.replay import ReplayDevice, ReplaySource
from till.config import ScannerDevice, ScannerSettings, Settings

BY_ID = "/dev/input/by-id/usb-Honeywell_Imaging_1900-event-kbd"


def configured(*entries: ScannerDevice) -> Settings:
    return Settings(scanner=ScannerSettings(devices=entries))


@pytest.fixture
def source():
    source = ReplaySource()
    yield source
    source.dispose()


def test_without_configured_scanners_the_keyboard_wedge_is_fine():
    [(status, text)] = scanner_diagnosis(Settings())
    assert status == "ok"
    assert "keyboard-wedge" in text


def test_without_dev_input_evdev_is_not_in_use_and_says_why():
    [(status, text)] = scanner_diagnosis(configured(ScannerDevice("0c2e:0b61")))
    assert status == "fail"
    assert "evdev not in use: /dev/input does not exist" in text
    assert "keyboards typing into the scan field" in text


def test_without_the_evdev_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "evdev", None)
    [(status, text)] = scanner_diagnosis(configured(ScannerDevice("0c2e:0b61")))
    assert status == "fail"
    assert "evdev module cannot be loaded" in text


def test_a_scanner_that_is_there_is_ok_and_left_as_found(source):
    scanner = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61, links=[BY_ID]))
    settings = configured(ScannerDevice(BY_ID, "product", "fr"))
    [(status, text)] = scanner_diagnosis(settings, source)
    assert status == "ok"
    assert "(product, layout fr): Honeywell 1900 (0c2e:0b61) at /dev/input/event" in text
    assert (scanner.grabbed, scanner.ungrabs, scanner.closed) == (False, 1, True)


def test_a_scanner_held_by_the_running_register_is_a_warning(source):
    scanner = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    scanner.grabbed = True
    [(status, text)] = scanner_diagnosis(configured(ScannerDevice("0c2e:0b61")), source)
    assert status == "warn"
    assert "held by another program" in text


def test_no_permission_and_scanner_not_found(source):
    keyboard = source.plug(ReplayDevice("AT Translated Set 2 keyboard", 0x0001, 0x0001))
    source.denied.add(keyboard.path)
    results = scanner_diagnosis(configured(ScannerDevice("0c2e:0b61", "loyalty")), source)
    assert [status for status, _ in results] == ["fail", "fail"]
    assert "cannot read 1 of 1 input device:" in results[0][1]
    assert "99-till-scanners.rules" in results[0][1]
    assert "Scanner 0c2e:0b61 (loyalty, layout us): not found" in results[1][1]
    assert "one of the devices that cannot be read" in results[1][1]


def test_no_input_devices_at_all(source):
    results = scanner_diagnosis(configured(ScannerDevice("0c2e:0b61")), source)
    assert results[0] == ("fail", results[0][1])
    assert "no input devices at all" in results[0][1]
    assert "not found" in results[1][1]


def test_till_doctor_finds_it_beside_the_reader(source):
    source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    settings = configured(ScannerDevice("0c2e:0b61"))
    assert reader_diagnosis(settings, source) == scanner_diagnosis(settings, source)
    assert reader_diagnosis(settings, source)[0][0] == "ok"
