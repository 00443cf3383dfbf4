"""The register's key parser: Escape then a key read together is two keys; real escape
sequences (F-keys, arrows, the Linux console's own) still parse as before."""

from __future__ import annotations

import time

import pytest

from till.driver import TillParser


def keys(data: str) -> list[str]:
    parser = TillParser()
    read = [event.key for event in parser.feed(data)]
    time.sleep(0.15)  # past the escape delay: a lone ESC is the Escape key
    return read + [event.key for event in parser.tick()]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("\x1b2000\r", ["escape", "2", "0", "0", "0", "enter"]),  # not ™000
        ("\x1b3", ["escape", "3"]),  # not £
        ("\x1by", ["escape", "y"]),  # not alt+y: "Discard your changes?" answered
        ("\x1bY", ["escape", "Y"]),
        ("\x1b\x1b", ["escape", "escape"]),
        ("\x1b", ["escape"]),
    ],
)
def test_escape_then_a_key_is_two_keys(typed, read):
    assert keys(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("\x1b[21~", ["f10"]),
        ("\x1bOQ", ["f2"]),  # xterm F2
        ("\x1b[[B", ["f2"]),  # Linux console F2
        ("\x1b[A", ["up"]),
        ("\x1b[5~", ["pageup"]),
        ("12\r", ["1", "2", "enter"]),
    ],
)
def test_escape_sequences_still_parse(typed, read):
    assert keys(typed) == read
