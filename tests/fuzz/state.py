"""What a database holds, to compare before and after something that must write nothing."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path


def table_digests(path: Path) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows (in any order), as another connection
    sees the file: what is committed, whatever the writer's connection still holds."""
    digests = {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%'"
        ).fetchall()
        for (name,) in tables:
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{name}"'))
            digest = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()
            digests[name] = (len(rows), digest)
    return digests
