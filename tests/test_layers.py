"""Dependencies point inward: the headless packages never load Textual."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADLESS = [
    "till.core.money",
    "till.core.barcodes",
    "till.core.tax",
    "till.core.sale",
    "till.config",
    "till.register",
    "till.demo",
    "storage.db",
    "storage.catalog",
    "storage.sales",
    "storage.outbox",
    "devices.printer.service",
    "devices.scanner.simulated",
    "sync",
]


def test_headless_packages_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for name in {HEADLESS!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'escpos')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"


def test_core_rules_need_no_database():
    code = (
        "import sys, till.core.sale, till.core.money, till.core.barcodes\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('peewee', 'storage')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"
