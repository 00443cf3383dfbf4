"""The evdev reader thread with replay devices at the hardware edge: grab, match, unplug,
reconnect, stop; and the kernel edge on this machine (no /dev/input)."""

from __future__ import annotations

import queue
import sys
import time
from dataclasses import dataclass, field

import pytest

from devices.scanner.evdev_reader import EvdevSource, ScannerService
from devices.scanner.replay import ReplayDevice, ReplaySource
from till.errors import ScannerError

from .scanner_keyboard import EPOCH, scan

BY_ID = "/dev/input/by-id/usb-Honeywell_Imaging_1900-event-kbd"
WAIT = 5.0


@dataclass(frozen=True)
class Entry:
    match: str
    role: str = "any"
    layout: str = ""


@dataclass(frozen=True)
class Config:
    devices: tuple[Entry, ...]
    layout: str = "us"
    timeout_ms: int = 100


@dataclass
class Recorder:
    """Collects what the reader thread hands on."""

    scans: queue.Queue = field(default_factory=queue.Queue)
    notices: list[tuple[str, str]] = field(default_factory=list)

    def scan(self, text: str, role: str, device: str) -> None:
        self.scans.put((text, role, device))

    def notice(self, severity: str, text: str) -> None:
        self.notices.append((severity, text))

    def next_scan(self) -> tuple[str, str, str]:
        return self.scans.get(timeout=WAIT)

    def told(self, words: str) -> bool:
        return any(words in text for _, text in self.notices)


def until(predicate, timeout: float = WAIT) -> None:
    """Wait for the reader thread to get somewhere (bounded)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {predicate}"
        time.sleep(0.002)


@pytest.fixture
def source():
    source = ReplaySource()
    yield source
    source.dispose()


@pytest.fixture
def run(source):
    """Start a service on the replay source; it is stopped after the test."""
    services = []

    def start(*entries: Entry, layout: str = "us", rescan: float = 0.02):
        recorder = Recorder()
        service = ScannerService(
            Config(tuple(entries), layout),
            recorder.scan,
            on_notice=recorder.notice,
            source=source,
            rescan_seconds=rescan,
        )
        services.append(service)
        service.start()
        return service, recorder

    yield start
    for service in services:
        service.stop()


def test_a_configured_scanner_is_grabbed_and_its_scans_handed_on_with_its_role(source, run):
    keyboard = source.plug(ReplayDevice("AT Translated Set 2 keyboard", 0x0001, 0x0001))
    scanner = source.plug(ReplayDevice("Honeywell Imaging 1900", 0x0C2E, 0x0B61))
    service, seen = run(Entry("0c2e:0b61", "product"))
    until(lambda: scanner.grabbed)
    assert not keyboard.grabbed and keyboard.closed  # looked at, left alone
    assert service.connected == ("Honeywell Imaging 1900 (0c2e:0b61)",)
    scanner.send(scan("2000000000015"))
    assert seen.next_scan() == ("2000000000015", "product", "Honeywell Imaging 1900 (0c2e:0b61)")
    assert seen.told("ready (product)")


def test_matches_by_name_and_by_id_path_each_with_its_role_and_layout(source, run):
    cards = source.plug(ReplayDevice("Card Reader KBW", 0x1234, 0x0001))
    products = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61, links=[BY_ID]))
    _, seen = run(Entry("card reader kbw", "loyalty"), Entry(BY_ID, "product", layout="fr"))
    until(lambda: cards.grabbed and products.grabbed)
    products.send(scan("12345", "fr"))  # AZERTY: shifted top row
    assert seen.next_scan()[:2] == ("12345", "product")
    cards.send(scan("9912345678"))
    assert seen.next_scan()[:2] == ("9912345678", "loyalty")


def test_unplugged_mid_scan_then_plugged_again_is_picked_up(source, run):
    first = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    _, seen = run(Entry("0c2e:0b61", "product"))
    until(lambda: first.grabbed)
    first.send(scan("ABC123")[:25])  # half a scan, then the cable comes out
    until(lambda: first.unread == 0)
    source.unplug(first)
    until(lambda: first.closed)
    assert seen.told("unplugged")
    assert seen.scans.empty()

    again = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))  # a new event node
    assert again.path != first.path
    until(lambda: again.grabbed)
    again.send(scan("abc", start=EPOCH + 5))
    assert seen.next_scan()[:2] == ("abc", "product")
    assert seen.scans.empty()


def test_stop_ungrabs_and_closes_every_scanner(source, run):
    scanner = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    service, _ = run(Entry("0c2e:0b61"))
    until(lambda: scanner.grabbed)
    service.stop()
    assert (scanner.grabbed, scanner.closed, scanner.ungrabs) == (False, True, 1)
    assert service.connected == ()
    assert not service._thread.is_alive()


def test_a_missing_scanner_is_reported_once_and_found_when_plugged(source, run):
    _, seen = run(Entry("0c2e:0b61"), rescan=0.01)
    until(lambda: seen.told("not found"))
    looked = source.listings
    until(lambda: source.listings >= looked + 5)
    assert sum("not found" in text for _, text in seen.notices) == 1
    late = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    until(lambda: late.grabbed)


def test_a_scanner_another_program_holds_is_reported_and_retried(source, run):
    scanner = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    scanner.grabbed = True  # grabbed by another process
    _, seen = run(Entry("0c2e:0b61"))
    until(lambda: seen.told("another program holds it"))
    scanner.grabbed = False  # the other program let go
    until(lambda: scanner.grabbed and scanner.grabs == 1)


def test_devices_without_permission_are_named_in_the_not_found_notice(source, run):
    denied = source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
    source.denied.add(denied.path)
    _, seen = run(Entry("0c2e:0b61"))
    until(lambda: seen.told("not found"))
    assert seen.told("1 input device cannot be read for lack of permission")
    source.denied.clear()  # udev applied the rule
    until(lambda: denied.grabbed)


def test_a_bad_match_or_layout_is_a_scanner_error(source):
    with pytest.raises(ScannerError, match="changes number at every boot"):
        ScannerService(Config((Entry("/dev/input/event3"),)), print, source=source)
    with pytest.raises(ScannerError, match="unknown keyboard layout 'de'"):
        ScannerService(Config((Entry("0c2e:0b61", layout="de"),)), print, source=source)


def test_without_dev_input_the_kernel_source_says_why():
    with pytest.raises(ScannerError, match="/dev/input does not exist"):
        EvdevSource()


def test_without_evdev_the_kernel_source_says_why(monkeypatch):
    monkeypatch.setitem(sys.modules, "evdev", None)
    with pytest.raises(ScannerError, match="evdev module cannot be loaded"):
        EvdevSource()


def test_the_kernel_source_lists_event_nodes_and_resolves_by_id_links(tmp_path):
    (tmp_path / "event7").touch()
    (tmp_path / "mouse0").touch()
    (tmp_path / "by-id").mkdir()
    link = tmp_path / "by-id" / "usb-Scanner-event-kbd"
    link.symlink_to(tmp_path / "event7")
    kernel = EvdevSource(str(tmp_path))
    assert list(kernel.listing()) == [str(tmp_path / "event7")]
    assert kernel.resolve(str(link)) == str(tmp_path / "event7")
    assert kernel.resolve(str(tmp_path / "by-id" / "absent")) is None
    assert kernel.links() == {str(tmp_path / "event7"): [str(link)]}
