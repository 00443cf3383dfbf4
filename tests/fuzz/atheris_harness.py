"""Coverage-guided fuzzing of the hostile-input targets with atheris (libFuzzer), run by
``make soak`` (each target for ``FUZZ_SECONDS``) and by hand, never by pytest
(docs/testing.md, "Fuzzing"):

    .venv/bin/pip install atheris
    .venv/bin/python -m tests.fuzz.atheris_harness scan -max_total_time=300
    .venv/bin/python -m tests.fuzz.atheris_harness push corpus/push/ -max_total_time=600

The first word names the target (``scan``, ``scanner``, ``csv``, ``config``, ``push``,
``pull``, ``search``); the rest goes to libFuzzer. An exception outside the target's
documented refusal is a crash: libFuzzer saves the input as ``crash-…`` and stops."""

from __future__ import annotations

import contextlib
import json
import struct
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris

with atheris.instrument_imports():  # the till's modules, traced for coverage
    from devices.scanner.decoder import ScanDecoder
    from devices.scanner.replay import RecordedEvent
    from storage import catalog
    from storage.customer_search import search_customers
    from storage.db import open_database
    from sync.protocol import PullAnswer, PushBatch
    from till.config import load_settings
    from till.core.barcodes import parse_scan_entry
    from till.errors import BarcodeError, ConfigError, ImportRowError, SyncError

WORK = Path(tempfile.mkdtemp(prefix="till-fuzz-"))
RATES = {550, 1000, 2000}


def text(data: bytes) -> str:
    return atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))


def scan(data: bytes) -> None:
    try:
        entry = parse_scan_entry(text(data))
    except BarcodeError:
        return
    assert entry.code.isascii() and entry.code.isprintable()


def scanner(data: bytes) -> None:
    decoder = ScanDecoder("fr", max_length=32)
    events = (
        RecordedEvent(*fields)
        for fields in struct.iter_unpack("<hHBHb", data[: -(len(data) % 8) or None])
    )
    for scanned in decoder.feed_all(events):
        assert scanned and scanned.isprintable() and len(scanned) <= 64


def csv_file(data: bytes) -> None:
    try:
        rows, _ = catalog.parse_product_csv(data.decode("utf-8", "surrogateescape"), RATES)
    except ImportRowError:
        return
    assert all(row.name.isprintable() for _, row in rows)


def config(data: bytes) -> None:
    path = WORK / "till.toml"
    path.write_bytes(data)
    with contextlib.suppress(ConfigError):
        load_settings(path)


def document(data: bytes) -> object:
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def push(data: bytes) -> None:
    with contextlib.suppress(SyncError):
        PushBatch.from_json(document(data))


def pull(data: bytes) -> None:
    with contextlib.suppress(SyncError):
        PullAnswer.from_json(document(data), 0)


def search(data: bytes) -> None:
    assert len(search_customers(text(data), limit=5)) <= 5


TARGETS: dict[str, Callable[[bytes], None]] = {
    "scan": scan,
    "scanner": scanner,
    "csv": csv_file,
    "config": config,
    "push": push,
    "pull": pull,
    "search": search,
}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        names = ",".join(TARGETS)
        sys.exit(f"usage: python -m tests.fuzz.atheris_harness {{{names}}} [libFuzzer options]")
    name = sys.argv[1]
    if name == "search":
        open_database(WORK / "till.db")
    atheris.Setup([sys.argv[0], *sys.argv[2:]], TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()
