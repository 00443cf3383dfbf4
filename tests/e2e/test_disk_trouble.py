"""The register on a disk that fills up, and on one that turns read-only: the real ``till`` in a
pseudo-terminal, its shop on a small tmpfs of its own (mounted here: the tests run as root, as
CI does). It refuses new work in plain words, keeps the sale on screen, and takes writes again
by itself once the disk does."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import BAGUETTE, COFFEE, WINE, Shop
from .conftest import shop as build_shop
from .steps import scan
from .terminal import ENTER, F10, Terminal

DISK_SIZE = "8m"
REFUSED = "Sale not kept on disk"
NOT_SAVING = "Not saving: disk"
"""On the sale screen's top line while the disk refuses the open sale."""
SALE_BACK = "The sale open when the register"
"""The message line of a register started again on a sale left open (…stopped is back)."""


def mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    assert done.returncode == 0, f"mount {' '.join(args)}: {done.stderr.strip()} (run as root)"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(disk))
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture
def shop(small_disk: Path) -> Shop:
    """The e2e shop, on the small disk."""
    return build_shop.__wrapped__(small_disk)  # type: ignore[attr-defined]


def fill(disk: Path) -> Path:
    """Fill ``disk`` to the last byte; the file to delete to free it again."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as out:
        for block_size in (64 * 1024, 512, 1):  # the last blocks too: not one byte left
            try:
                while out.write(bytes(block_size)):
                    pass
            except OSError:
                pass
    return filler


def kept_lines(shop: Shop) -> int:
    """How many lines the open sale on disk holds (0: none kept)."""
    rows = shop.rows("SELECT cart FROM open_sale WHERE till_no = 1 AND cart IS NOT NULL")
    return rows[0]["cart"].count('"code"') if rows else 0


def integrity(shop: Shop) -> str:
    return shop.rows("PRAGMA integrity_check")[0][0]


def the_sale_is_refused_then_taken(
    till: Terminal,
    shop: Shop,
    why: str,
    break_disk: Callable[[], object],
    mend_disk: Callable[[], object],
) -> None:
    scan(till, BAGUETTE)
    till.wait_until(lambda: kept_lines(shop) == 1, "the first line kept on disk")
    break_disk()
    scan(till, COFFEE)
    scan(till, WINE)
    till.wait_for(REFUSED)
    assert why in till.text(), till.text()
    till.send(F10)
    till.wait_for("To pay")
    till.send(ENTER)  # the rest in cash: refused by the same disk
    till.wait_for("Sale not saved")
    assert shop.sales() == []
    screen = till.text()
    assert "Baguette tradition" in screen and "Vin rouge" in screen, screen  # still open
    assert screen.count(REFUSED) == 1, screen  # said once, not once a key
    assert "failed in the background" not in screen and "could not journal" not in screen

    mend_disk()
    # no key pressed: the register tries again by itself (a full disk may already have taken
    # the sale into the room its write-ahead log had grown before it was refused)
    till.wait_until(lambda: kept_lines(shop) == 3, "the whole sale kept on disk", timeout=20)
    till.send(F10)  # paid in full already: F10 saves it
    till.wait_for("Sale 01-000001 saved.")
    [sale] = shop.sales()
    assert len(shop.lines(sale["id"])) == 3
    assert integrity(shop) == "ok"


def test_a_full_disk(shop, small_disk, start_register):
    till = start_register()
    filler: list[Path] = []
    the_sale_is_refused_then_taken(
        till,
        shop,
        "The disk is full: nothing was saved.",
        break_disk=lambda: filler.append(fill(small_disk)),
        mend_disk=lambda: filler[0].unlink(),
    )


def test_the_database_is_whole_after_a_full_disk(shop, small_disk):
    """What the register refused left nothing half-written: SQLite alone, a full disk in the
    middle of a large transaction."""
    filler = fill(small_disk)
    connection = sqlite3.connect(shop.database)
    with pytest.raises(sqlite3.OperationalError), connection:  # full, or an I/O error growing
        connection.execute("CREATE TABLE big (x)")
        connection.executemany("INSERT INTO big VALUES (?)", [(b"x" * 4096,)] * 4096)
    connection.close()
    filler.unlink()
    assert integrity(shop) == "ok"
    assert shop.rows("SELECT count(*) FROM sqlite_master WHERE name = 'big'")[0][0] == 0


def test_a_register_started_on_read_only_media(shop, small_disk, start_register):
    """A busy tmpfs will not turn read-only under a running register; a register killed with
    a sale open and started again on a read-only disk gives the sale back, refuses to save it
    in plain words, and saves it once the disk is writable again, without a restart."""
    till = start_register()
    scan(till, BAGUETTE)
    scan(till, COFFEE)
    till.wait_until(lambda: kept_lines(shop) == 2, "the open sale kept on disk")
    till.close()  # SIGKILL, as a power cut would
    mount("-o", "remount,ro", str(small_disk))
    # "…is back: 2 items." lies under the read-only toast for its 15 s: its start is beside it
    again = start_register(ready=SALE_BACK)
    screen = again.text()
    assert "2 items" in screen and "Baguette tradition" in screen, screen
    assert "Café moulu 250 g" in screen, screen
    scan(again, WINE)
    again.wait_for(NOT_SAVING)
    again.send(F10)
    again.wait_for("To pay")
    again.send(ENTER)
    again.wait_for("Sale not saved")
    screen = again.text()
    assert "(read-only file or" in screen, screen  # the toast wraps "disk)" onto its next line
    assert "Traceback" not in screen and "background" not in screen
    mount("-o", "remount,rw", str(small_disk))
    again.wait_until(lambda: kept_lines(shop) == 3, "the whole sale kept on disk", timeout=20)
    again.wait_until(lambda: NOT_SAVING not in again.text(), "the top line cleared")
    again.send(F10)  # paid in full already: F10 saves it
    again.wait_for("Sale 01-000001 saved.")
    [sale] = shop.sales()
    assert len(shop.lines(sale["id"])) == 3
    assert integrity(shop) == "ok"
