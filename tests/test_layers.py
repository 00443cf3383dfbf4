"""Dependencies point inward: the headless packages never load Textual (nor python-escpos,
nor evdev outside the one module that reads the kernel), and the rules need no database."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADLESS = [
    "till.core.money",
    "till.core.barcodes",
    "till.core.tax",
    "till.core.sale",
    "till.core.customer",
    "till.core.customer_lookup",
    "till.core.loyalty",
    "till.core.pin",
    "till.core.text",
    "till.config",
    "till.register",
    "till.demo",
    "till.printing",
    "storage.db",
    "storage.catalog",
    "storage.sales",
    "storage.outbox",
    "storage.customers",
    "storage.customer_search",
    "storage.customer_history",
    "storage.loyalty",
    "storage.parked",
    "devices.printer.service",
    "devices.scanner.simulated",
    "devices.scanner.keymaps",
    "devices.scanner.decoder",
    "devices.scanner.matching",
    "devices.scanner.replay",
    "devices.scanner.evdev_reader",
    "devices.scanner.inventory",
    "devices.scanner.diagnosis",
    "sync",
]
CORE = [
    "till.core.sale",
    "till.core.money",
    "till.core.barcodes",
    "till.core.loyalty",
    "till.core.customer",
    "till.core.pin",
]


def loaded(modules: list[str], packages: set[str]) -> list[str]:
    """Which of ``packages`` importing ``modules`` loads, in a fresh interpreter."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {packages!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(result.stdout)


def test_headless_packages_load_neither_textual_nor_escpos_nor_evdev():
    assert loaded(HEADLESS, {"textual", "escpos", "evdev"}) == []


def test_core_rules_need_no_database():
    assert loaded(CORE, {"peewee", "storage", "devices"}) == []


def test_the_check_itself_sees_a_loaded_package():
    assert loaded(["till.app"], {"textual"}) == ["textual"]
