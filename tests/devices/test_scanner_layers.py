"""The scanner package stays headless: no Textual, and evdev only where the kernel is read."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MODULES = [
    "devices.scanner.keymaps",
    "devices.scanner.decoder",
    "devices.scanner.matching",
    "devices.scanner.replay",
    "devices.scanner.evdev_reader",
    "devices.scanner.inventory",
    "devices.scanner.diagnosis",
]


def test_the_scanner_modules_load_neither_textual_nor_evdev():
    code = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'evdev'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"
