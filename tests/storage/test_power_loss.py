"""Power loss, not only process death: the register's writes through a VFS that, at a random
moment, keeps only what had been synced (tests/storage/power_cut.py), then the checks of the
crash test on what survived, read back with the standard sqlite3 module.

With the project's pragmas every acknowledged write survives. With ``synchronous=OFF`` (and
NORMAL, which in WAL mode syncs only at checkpoints) acknowledged writes are lost: the test
asserts that too, so the simulator is shown to tell a durable commit from a lucky one.

Set ``TILL_CRASH_SEED`` to replay a failed run (the writes and the moment of the cut repeat;
only the anchor file's writer thread keeps its own timing).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path
from typing import Any

import apsw
import pytest

from storage import db as storage_db
from storage import journal_seal
from storage.db import close_database, open_database
from storage.models import database
from tests.storage.mixed_loop import WEIGHTS, Workload
from tests.storage.power_cut import VFS_NAME, PowerCutVFS, copy_keys, run_storage_through
from tests.storage.test_crash import SEED_ENV
from tests.storage.test_crash_mixed import _check_all, _shop

ACKNOWLEDGED_BEFORE_ARMING = (3, 40)
"""The cut is armed after this many acknowledged writes (one of them a sale)..."""
CALLS_AFTER_ARMING = (1, 60)
"""... and comes on one of this many writes, truncations, syncs or deletions after."""
FULL, NORMAL, OFF = 2, 1, 0


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A stocked database with customers, written and closed the ordinary way."""
    folder = tmp_path_factory.mktemp("template")
    _shop(folder / "till.db")
    return folder


def _run_until_cut(
    live: Path, survivors: Path, synchronous: int, rng: random.Random, flush_some: bool, patch: Any
) -> tuple[list[dict[str, Any]], int]:
    """Run the register's writes on ``live`` until the power goes; what was acknowledged
    before it went, and how many changes were not synced yet. ``survivors`` then holds what
    the disk kept: what was synced, and with ``flush_some`` a random part of what was not (the
    system writes pages out on its own)."""
    reports: list[dict[str, Any]] = []
    vfs = PowerCutVFS()

    def cut() -> None:
        vfs.survivors(survivors, (lambda: rng.random() < 0.5) if flush_some else lambda: False)
        copy_keys(live / "keys", survivors / "keys")

    def acknowledge(report: dict[str, Any]) -> None:
        if not vfs.cut:  # returned before the power went
            reports.append(report)

    try:
        with patch.context() as pragmas, run_storage_through(vfs, patch):
            pragmas.setitem(storage_db.PRAGMAS, "synchronous", synchronous)
            open_database(live / "till.db", create=False)
            try:
                (mode,) = database.execute_sql("PRAGMA synchronous").fetchone()
                assert mode == synchronous
                workload = Workload(rng, 1_000_000, acknowledge)
                actions, weights = list(WEIGHTS), list(WEIGHTS.values())
                arm_after = rng.randint(*ACKNOWLEDGED_BEFORE_ARMING)
                while not vfs.cut:
                    rng.choices(actions, weights)[0](workload)
                    armed = vfs.cut_after is not None
                    sold = any(report["op"] == "sale" for report in reports)
                    if not armed and sold and len(reports) >= arm_after:
                        vfs.arm(rng.randint(*CALLS_AFTER_ARMING), cut)
            finally:
                close_database()
    finally:
        vfs.unregister()
    return reports, vfs.unsynced_at_cut


def _cut(
    template: Path, tmp_path: Path, synchronous: int, seed: int, patch: Any, flush_some: bool
) -> tuple[list[dict[str, Any]], Path, int]:
    """The writes acknowledged before a power cut at a random moment, the database the cut
    left, and how many changes the cut caught unsynced."""
    live, survivors = tmp_path / f"live-{seed}", tmp_path / f"survivors-{seed}"
    shutil.copytree(template, live)
    survivors.mkdir()
    rng = random.Random(seed)
    reports, unsynced = _run_until_cut(live, survivors, synchronous, rng, flush_some, patch)
    shutil.rmtree(live)
    return reports, survivors / "till.db", unsynced


def _durable(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The writes a power cut must keep: a pull commits with synchronous=NORMAL (by design:
    the server holds what it applies), so its batches are durable only once a later commit
    made with FULL has returned ("resuming" announces a write, it is none)."""
    full = [n for n, report in enumerate(reports) if report["op"] not in ("batch", "resuming")]
    last_full = full[-1] if full else -1
    return [r for n, r in enumerate(reports) if r["op"] != "batch" or n < last_full]


def _check(db_path: Path, reports: list[dict[str, Any]], seed: int) -> None:
    with closing(sqlite3.connect(db_path)) as plain:
        (integrity,) = plain.execute("PRAGMA integrity_check").fetchone()
    assert integrity == "ok", f"{SEED_ENV}={seed}: integrity check: {integrity}"
    _check_all(db_path, _durable(reports), 1, f"{SEED_ENV}={seed} power cut")


def _sales_lost(db_path: Path, reports: list[dict[str, Any]]) -> set[str]:
    with closing(sqlite3.connect(db_path)) as plain:
        stored = {sale_id for (sale_id,) in plain.execute("SELECT id FROM sale")}
    return {report["id"] for report in reports if report["op"] == "sale"} - stored


def _seeds(count: int) -> list[int]:
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    return [rng.randrange(2**32) for _ in range(count)]


def test_the_simulator_keeps_only_what_was_synced(tmp_path: Path) -> None:
    """Its own rules, on a bare database: a commit made with FULL survives, one made with OFF
    does not, and a new file never synced is not there at all."""
    cut = tmp_path / "cut"
    cut.mkdir()
    vfs = PowerCutVFS()
    try:
        connection = apsw.Connection(str(tmp_path / "bare.db"), vfs=VFS_NAME)
        connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL")
        connection.execute("CREATE TABLE kept (n); INSERT INTO kept VALUES (1)")
        connection.execute("PRAGMA synchronous = OFF; INSERT INTO kept VALUES (2)")
        unsynced = vfs.state(str(tmp_path / "never-synced"))
        unsynced.pending.append((0, b"lost"))
        survivors = vfs.survivors(cut)
        connection.close()
    finally:
        vfs.unregister()
    assert sorted(survivors) == ["bare.db", "bare.db-wal"]
    with closing(sqlite3.connect(cut / "bare.db")) as plain:
        assert plain.execute("SELECT n FROM kept").fetchall() == [(1,)]


def test_a_power_cut_after_a_pull_leaves_the_anchor_behind_the_database(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull commits without syncing (``sync_state.pulling``): the heads it seals must not
    reach the anchor file before a synced commit, or a power cut leaves the anchor ahead of
    the database and the journal check cries "entries were removed"."""
    live, survivors = tmp_path / "live", tmp_path / "survivors"
    shutil.copytree(template, live)
    survivors.mkdir()
    vfs = PowerCutVFS()
    try:
        with run_storage_through(vfs, monkeypatch):
            open_database(live / "till.db", create=False)
            try:
                Workload(random.Random(1), 1_000_000, lambda report: None).pull_batch()
                journal_seal.flush_anchor()
                vfs.survivors(survivors)  # the power goes now
                copy_keys(live / "keys", survivors / "keys")
            finally:
                close_database()
    finally:
        vfs.unregister()
    _check(survivors / "till.db", [], 0)


@pytest.mark.parametrize("flush_some", [False, True], ids=["unsynced-dropped", "some-flushed"])
@pytest.mark.parametrize("cuts", [25, pytest.param(300, marks=pytest.mark.soak, id="300")])
def test_acknowledged_writes_survive_a_power_cut(
    template: Path,
    tmp_path: Path,
    cuts: int,
    flush_some: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    synchronous = int(str(storage_db.PRAGMAS["synchronous"]))
    acknowledged: Counter[str] = Counter()
    caught_unsynced = 0
    for seed in _seeds(cuts):
        reports, survivor, unsynced = _cut(
            template, tmp_path, synchronous, seed, monkeypatch, flush_some
        )
        _check(survivor, reports, seed)
        shutil.rmtree(survivor.parent)
        acknowledged.update(report["op"] for report in reports)
        caught_unsynced += unsynced > 0
    # Most cuts must fall between a write and its sync, or the test shows little.
    assert caught_unsynced * 2 >= cuts, f"only {caught_unsynced} of {cuts} cuts caught writes"
    with capsys.disabled():
        print(
            f"\npower cuts ({'some unsynced flushed' if flush_some else 'unsynced dropped'}):"
            f" {cuts} survived, {caught_unsynced} of them with unsynced writes discarded;"
            f" acknowledged writes checked: {json.dumps(acknowledged)}"
        )


@pytest.mark.parametrize(
    ("synchronous", "least_lost"), [(OFF, 3), (NORMAL, 2)], ids=["OFF", "NORMAL"]
)
def test_without_full_sync_the_cut_loses_acknowledged_sales(
    template: Path,
    tmp_path: Path,
    synchronous: int,
    least_lost: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The simulator tells a durable commit from a lucky one: OFF never syncs, NORMAL only at
    checkpoints, so a cut loses sales already acknowledged, and the checks say so."""
    losses = 0
    for seed in _seeds(3):
        reports, survivor, _ = _cut(template, tmp_path, synchronous, seed, monkeypatch, False)
        if _sales_lost(survivor, reports):
            losses += 1
            with pytest.raises(AssertionError):
                _check(survivor, reports, seed)
    assert losses >= least_lost
