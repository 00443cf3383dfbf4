"""What the register's own process loads: not PostgreSQL's driver, which Peewee would load
whenever it is installed (13 MB resident and 0.1 s at every start, for nothing on a till)."""

from __future__ import annotations

import subprocess
import sys

LOADED = """
import sys
import {module}
print(sorted(name for name in ("psycopg", "psycopg2") if sys.modules.get(name) is not None))
"""


def loaded_drivers(module: str) -> str:
    return subprocess.run(
        [sys.executable, "-c", LOADED.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def test_the_register_loads_no_postgresql_driver():
    assert loaded_drivers("till.app") == "[]"


def test_the_back_office_still_has_its_driver():
    assert loaded_drivers("peewee") == "['psycopg']"  # what the register leaves out
    assert loaded_drivers("sync.server.app") == "['psycopg']"
