"""Dependencies point inward: no headless module loads Textual (nor python-escpos, nor evdev,
which only the code talking to the hardware loads when it runs), and the rules in till/core
need no database and no devices.

The modules are found from the files in the tree, so a new one is checked the day it appears.
Each is imported alone in a fresh interpreter: what it loads is its own doing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADLESS_TREES = ("till/core", "storage", "devices", "sync")
OTHER_HEADLESS = ("till.config", "till.printing", "till.demo")
"""Modules at the root of till/ that the CLI and the services use without the UI."""

NO_UI = frozenset({"textual", "escpos", "evdev"})
NO_DATABASE_NOR_DEVICES = NO_UI | {"peewee", "playhouse", "storage", "devices", "sync"}


def modules_under(folder: str) -> list[str]:
    """Every module of the package at ``folder`` (relative to the project), from its files."""
    names = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def services() -> list[str]:
    """What screens and commands call: ``till/*_service.py``, ``till/register.py``, and the
    ``till/services/`` package once there is one."""
    found = [f"till.{path.stem}" for path in sorted((ROOT / "till").glob("*_service.py"))]
    found.append("till.register")
    if (ROOT / "till" / "services").is_dir():
        found += modules_under("till/services")
    return found


CORE = modules_under("till/core")
HEADLESS = [name for tree in HEADLESS_TREES for name in modules_under(tree)]
HEADLESS += [*services(), *OTHER_HEADLESS]


def forbidden_for(module: str) -> frozenset[str]:
    return NO_DATABASE_NOR_DEVICES if module in CORE else NO_UI


PRELOADED = (
    "httpx",
    "click",
    "rich.console",
    "pygments.lexers",
    "idna",
    "psycopg",
    "babel.dates",
    "babel.numbers",
    "stdnum",
    "phonenumbers",
    "email_validator",
    "cryptography.hazmat.primitives.asymmetric.ed25519",
    "decimal",
    "sqlite3",
    "tomllib",
    "uuid",
    "hashlib",
    "logging.handlers",
    "concurrent.futures",
    "zoneinfo",
)
"""Libraries that load none of the forbidden packages, loaded once before the children fork
(the check is many times faster). The parent checks that they loaded nothing forbidden: a
library that starts to would show up at once as every module loading it."""

IMPORT_EACH_ALONE = """
import importlib, json, os, sys
for name in PRELOADED:
    importlib.import_module(name)
loaded = {module.split(".")[0] for module in sys.modules}
if loaded & FORBIDDEN:
    sys.exit(f"the preloaded libraries load {sorted(loaded & FORBIDDEN)}")
for name in sys.argv[1:]:
    pid = os.fork()  # each child starts from this interpreter, which loaded nothing of ours
    if pid == 0:
        try:
            importlib.import_module(name)
            record = {"loaded": sorted({module.split(".")[0] for module in sys.modules})}
        except BaseException as error:
            record = {"error": repr(error)}
        print(json.dumps({"module": name, **record}), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
"""


def loaded_by_each(modules: list[str]) -> dict[str, set[str]]:
    """For each module, the top-level packages an interpreter holds after importing it alone."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            IMPORT_EACH_ALONE.replace("PRELOADED", repr(PRELOADED)).replace(
                "FORBIDDEN", repr(set(NO_DATABASE_NOR_DEVICES))
            ),
            *modules,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    failed = {r["module"]: r["error"] for r in records if "error" in r}
    assert not failed, f"these modules do not import: {failed}"
    return {r["module"]: set(r["loaded"]) for r in records}


def test_no_module_loads_anything_from_outer_layers():
    """One test for every module: the check imports them all in one run (about 30 s), and
    xdist gave a test per module to both workers, each then paying for the whole run."""
    loaded = loaded_by_each(HEADLESS)
    assert set(loaded) == set(HEADLESS)
    outer = {
        module: sorted(loaded[module] & forbidden_for(module))
        for module in HEADLESS
        if loaded[module] & forbidden_for(module)
    }
    assert outer == {}, f"these modules load outer layers: {outer}"


def test_the_walk_finds_modules_at_every_depth():
    assert {"till.core", "till.core.money", "storage.sales", "sync"} <= set(HEADLESS)
    assert {"devices.scanner.evdev_reader", "storage.migrations.m0001_initial"} <= set(HEADLESS)
    assert {"till.register", "till.customer_service"} <= set(HEADLESS)
    assert "storage.sales" not in CORE


def test_the_services_contract_names_every_service():
    """import-linter cannot match ``till.*_service``: the contract lists them, and this keeps
    the list whole."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if c["name"] == "Services never load the UI"]
    flat_services = {name for name in services() if not name.startswith("till.services.")}
    assert flat_services <= set(contract["source_modules"])
    assert "till.services.**" in contract["source_modules"]
    assert "textual" in contract["forbidden_modules"]


def test_the_check_itself_sees_a_loaded_package():
    loaded = loaded_by_each(["till.app", "till.core.money", "storage.models"])
    assert "textual" in loaded["till.app"]
    assert "textual" not in loaded["till.core.money"]
    assert "peewee" in loaded["storage.models"]
