"""The [scanner] section of the config: evdev scanners, their roles and layouts."""

from pathlib import Path

import pytest

from till.config import ScannerDevice, Settings, load_settings
from till.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "till.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_scanner_section_means_keyboard_wedge_only():
    assert Settings().scanner.devices == ()
    assert Settings().scanner.layout == "us"


def test_scanners_by_vendor_product_name_and_by_id_path(tmp_path):
    path = write(
        tmp_path,
        """
[scanner]
layout = "fr"
timeout_ms = 80

[[scanner.devices]]
match = "0c2e:0b61"
role = "product"

[[scanner.devices]]
match = "USB HID KBW"
role = "loyalty"
layout = "us"

[[scanner.devices]]
match = "/dev/input/by-id/usb-Datalogic_QW2100-event-kbd"
""",
    )
    scanner = load_settings(path).scanner
    assert (scanner.layout, scanner.timeout_ms) == ("fr", 80)
    assert scanner.devices == (
        ScannerDevice("0c2e:0b61", "product"),
        ScannerDevice("USB HID KBW", "loyalty", "us"),
        ScannerDevice("/dev/input/by-id/usb-Datalogic_QW2100-event-kbd", "any"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[scanner]\nlayout = "de"\n', r"\[scanner\] layout: unknown 'de' \(known: us, fr\)"),
        ("[scanner]\ntimeout_ms = 5\n", r"\[scanner\] timeout_ms: must be between 10 and 2000"),
        ('[scanner]\ntimeout_ms = "fast"\n', r"\[scanner\] timeout_ms: must be a whole number"),
        ('[scanner]\ndevices = "0c2e:0b61"\n', r"\[scanner\] devices: write each scanner as"),
        (
            '[scanner.devices]\nmatch = "0c2e:0b61"\n',
            r"\[scanner\] devices: write each scanner as a \[\[scanner.devices\]\] table",
        ),
        ('[[scanner.devices]]\nrole = "product"\n', r"\[scanner.devices #1\] match: required"),
        (
            '[[scanner.devices]]\nmatch = "/dev/input/event3"\n',
            r"\[scanner.devices #1\] match: /dev/input/event3 changes number at every boot",
        ),
        (
            '[[scanner.devices]]\nmatch = "a"\n[[scanner.devices]]\nmatch = "b"\nrole = "card"\n',
            r"\[scanner.devices #2\] role: must be one of product, loyalty, any, got 'card'",
        ),
        (
            '[[scanner.devices]]\nmatch = "a"\nlayout = "azerty"\n',
            r"\[scanner.devices #1\] layout: unknown 'azerty'",
        ),
        (
            '[[scanner.devices]]\nmatch = "a"\nrol = "product"\n',
            r"\[scanner.devices #1\] rol: unknown key \(known: match, role, layout\)",
        ),
        ("[[scanner.devices]]\nmatch = 3\n", r"\[scanner.devices #1\] match: must be text"),
    ],
)
def test_a_bad_scanner_entry_names_the_key_and_the_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as refused:
        load_settings(path)
    assert str(refused.value).startswith(str(path))
    assert "\n" not in str(refused.value)
