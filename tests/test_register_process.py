"""What a till's own process loads: not PostgreSQL's driver, which Peewee would load whenever
it is installed (13 MB resident and 0.1 s at every start of the register, for nothing), and,
before its first frame, nothing the sale screen does not show (bench/startup.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DRIVERS = 'print(sorted(n for n in ("psycopg", "psycopg2") if sys.modules.get(n) is not None))'

OPENED_AS_THE_REGISTER_IS = (
    """
import sys
from till.cli import _open
from till.config import Settings
_open(Settings().with_database(sys.argv[1]), create=True)
import till.app
"""
    + DRIVERS
)


def run(code: str, *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_the_register_loads_no_postgresql_driver(tmp_path: Path):
    assert run(OPENED_AS_THE_REGISTER_IS, str(tmp_path / "till.db")) == "[]"


def test_the_back_office_still_has_its_driver():
    assert run("import sys, peewee\n" + DRIVERS) == "['psycopg']"  # what the till leaves out
    assert run("import sys, sync.server.app\n" + DRIVERS) == "['psycopg']"


LOADED_MIGRATIONS = """
import sys
from storage.db import open_database
open_database(sys.argv[1])
print(sorted(name for name in sys.modules if name.startswith("storage.migrations.m")))
"""


def test_a_database_up_to_date_loads_no_migration_at_start(tmp_path: Path):
    database = str(tmp_path / "till.db")
    first = run(LOADED_MIGRATIONS, database)  # created: every migration runs
    assert first.count("storage.migrations.m") > 20
    assert run(LOADED_MIGRATIONS, database) == "[]"  # then the register's starts load none


LATER = (
    "cryptography",  # the journal's key: the first seal is written after the first frame
    "devices.printer.service",  # the printer: built when a receipt or a sale needs it
    "storage.journal_check",  # the journal's checker: the CLI and the doctor
    "till.screens.payment",
    "till.screens.receipt",
    "till.screens.prompts",
)
BUILT_AS_THE_REGISTER_STARTS = f"""
import sys
from pathlib import Path
from till.cli import _open
from till.app import make_app
from till.demo import demo_settings
from till.screens.sale import SaleScreen
settings = demo_settings(Path(sys.argv[1]))
_open(settings, create=True)
make_app(settings)
print(sorted(name for name in {LATER!r} if name in sys.modules))
"""


def test_the_register_builds_its_first_screen_without_what_comes_later(tmp_path: Path):
    run(BUILT_AS_THE_REGISTER_STARTS, str(tmp_path))  # the shop is made: its first seal
    assert run(BUILT_AS_THE_REGISTER_STARTS, str(tmp_path)) == "[]"  # then every start


WARMED_UP = """
import asyncio, sys
from pathlib import Path
from till.cli import _open
from till.app import FIRST_SALE_SCREENS, make_app
from till.demo import demo_settings
settings = demo_settings(Path(sys.argv[1]))
_open(settings, create=True)
app = make_app(settings)

async def first_frame_then_idle():
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(500):  # ten seconds at most: the warm-up runs once the frame is up
            missing = sorted(name for name in FIRST_SALE_SCREENS if name not in sys.modules)
            if not missing:
                break
            await pilot.pause(0.02)
        print(missing)

asyncio.run(first_frame_then_idle())
"""


def test_the_warm_up_loads_the_first_payment_s_screens_off_the_event_loop(tmp_path: Path):
    """Left out of the first frame, they are loaded once it is up: the first payment key
    does not wait for an import (about 12 ms here, several times that on a Pi)."""
    assert run(WARMED_UP, str(tmp_path)) == "[]"


SIGNED_AS_THE_REGISTER_DOES = """
import sys
from pathlib import Path
from till.cli import _open
from till.demo import demo_settings
from till.register_journal import started
settings = demo_settings(Path(sys.argv[1]))
_open(settings, create=True)
started(settings)  # a journal event, sealed and signed with the till's key
print("cryptography" in sys.modules)
"""


def test_the_register_signs_its_journal_without_cryptography(tmp_path: Path):
    """cryptography's binding (OpenSSL linked in) holds 11 MB resident; PyNaCl signs in 2."""
    run(SIGNED_AS_THE_REGISTER_DOES, str(tmp_path))  # the shop and its key are made
    assert run(SIGNED_AS_THE_REGISTER_DOES, str(tmp_path)) == "False"
