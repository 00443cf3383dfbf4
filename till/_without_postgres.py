"""The register's process never talks to PostgreSQL (the back office does), but Peewee loads
psycopg and its libpq whenever they are installed: 13 MB resident and 0.1 s at every start on
the till. Imported by ``till.app`` before anything loads Peewee, this tells Python they are
not there; a process that loaded Peewee already (the tests, the back office) is left as it is.
"""

from __future__ import annotations

import sys

if "peewee" not in sys.modules:
    for name in ("psycopg", "psycopg2"):
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # then "import" raises
