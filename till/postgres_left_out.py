"""A till's own process never talks to PostgreSQL (the back office does), but Peewee loads
psycopg and its libpq whenever they are installed: 13 MB resident and 0.1 s at every start
of the register. :func:`leave_postgres_out`, called before anything loads Peewee, tells Python
they are not there."""

from __future__ import annotations

import sys


def leave_postgres_out() -> None:
    """Keep PostgreSQL's drivers out of this process; a process that loaded Peewee already
    (the tests, the back office) is left as it is."""
    if "peewee" not in sys.modules:
        for name in ("psycopg", "psycopg2"):
            sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # then import raises
