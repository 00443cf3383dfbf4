"""Figure: scan to line on screen through the evdev path, over a 100,000-product catalog,
against the bare DataTable floor of bench/scan.py, measured the same way.

Each scan is the recorded event stream of a USB HID scanner set to AZERTY (for every key:
EV_MSC scan code, EV_KEY, EV_SYN, shift held for the digits; timestamps 1 ms apart). It is
handed at once to a replay device, as if the scanner's burst had just reached the kernel,
and timed from that moment to the end of the first frame showing the line (bench/scan.py's
FrameWatch). In between, the register does what it does with a real /dev/input device:
its scanner thread wakes from select, reads, decodes with the ScanDecoder, posts to the app,
and the sale screen looks the code up and shows the line. Only the kernel is replaced; the
time the scanner takes to send its keys (about 1 ms per key) is not counted. For scale, the
notes also give the same scans posted straight to the screen as messages (bench/scan.py's
path) and the decoder's own cost.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import tempfile
import time
from pathlib import Path

from evdev import InputEvent

from bench.common import Figure, ms
from bench.fixtures import large_catalog
from bench.scan import (
    PRODUCTS,
    SALE_LINES,
    SCANS,
    SIZE,
    TARGET_P99,
    WARMUP,
    FloorApp,
    FloorScreen,
    Target,
    floor_target,
    run_app,
    till_target,
)
from devices.scanner.decoder import ScanDecoder
from devices.scanner.replay import ReplayDevice, ReplaySource, hid_events
from storage.db import close_database
from till.app import make_app
from till.config import ScannerDevice, ScannerSettings, Settings
from till.screens.sale import SaleScreen

LAYOUT = "fr"
KEY_INTERVAL = 0.001
EPOCH = 1_763_900_000.0


def recorded_streams(codes: list[str]) -> dict[str, list[InputEvent]]:
    """Each code as the events a fast scanner sends, one scan a second."""
    return {
        code: [
            InputEvent(*event)
            for event in hid_events(code, LAYOUT, start=EPOCH + n, key_interval=KEY_INTERVAL)
        ]
        for n, code in enumerate(codes)
    }


def decoder_cost(streams: dict[str, list[InputEvent]]) -> float:
    """Seconds the decoder alone spends on one scan, on average."""
    decoder = ScanDecoder(LAYOUT)
    started = time.perf_counter()
    for events in streams.values():
        decoder.feed_all(events)
    elapsed = time.perf_counter() - started
    if decoder.scans != len(streams):
        raise RuntimeError(f"decoded {decoder.scans} scans of {len(streams)}")
    return elapsed / len(streams)


def with_scanner(settings: Settings) -> Settings:
    device = ScannerDevice("0c2e:0b61", "product")
    return dataclasses.replace(settings, scanner=ScannerSettings(LAYOUT, devices=(device,)))


def evdev_target(device: ReplayDevice, streams: dict[str, list[InputEvent]]):
    """bench/scan.py's register target, but a scan is the scanner's events, not a message."""

    def make(screen: SaleScreen) -> Target:
        return dataclasses.replace(
            till_target(screen), post=lambda code: device.send(streams[code])
        )

    return make


def measure(products: int = PRODUCTS, scans: int = SCANS) -> Figure:
    with tempfile.TemporaryDirectory(prefix="till-bench-") as tmp:
        settings, catalog_codes = large_catalog(Path(tmp), products)
        codes = random.Random(7).sample(catalog_codes, WARMUP + scans)
        streams = recorded_streams(codes)
        per_scan = decoder_cost(streams)
        source = ReplaySource()
        device = source.plug(ReplayDevice("Honeywell Imaging 1900", 0x0C2E, 0x0B61))
        app = make_app(with_scanner(settings))
        app.scanner_source = source
        try:
            evdev_run = asyncio.run(run_app(app, SaleScreen, evdev_target(device, streams), codes))
        finally:
            source.dispose()
        message_run = asyncio.run(run_app(make_app(settings), SaleScreen, till_target, codes))
        close_database()
    floor_app = FloorApp(evdev_run.table_height)
    floor_run = asyncio.run(run_app(floor_app, FloorScreen, floor_target, codes))
    till, floor, direct = evdev_run.stats, floor_run.stats, message_run.stats
    return Figure(
        title=f"Scan to line on screen through evdev, {products:,}-product catalog",
        measured=f"till via evdev {till.describe()}",
        floor=f"bare DataTable {floor.describe()}",
        ratio=till.p99 / floor.p99,
        target=f"p99 < {TARGET_P99 * 1000:.0f} ms",
        met=till.p99 < TARGET_P99,
        p99=till.p99,
        about=__doc__ or "",
        notes=(
            f"{scans:,} scans of distinct codes as recorded HID events ({LAYOUT} layout, "
            f"shift per digit), sale cleared every {SALE_LINES} lines, headless at "
            f"{SIZE[0]}x{SIZE[1]}; ratio of p99s (of medians {till.p50 / floor.p50:.2f})",
            f"the same scans posted as messages (bench/scan.py's path): {direct.describe()}; "
            f"the evdev path adds {ms(till.p50 - direct.p50)} at the median",
            f"decoding alone: {per_scan * 1e6:.0f} µs a scan",
            f"frames rendered per scan until its line showed: evdev "
            f"{evdev_run.frames_per_scan:.2f}, floor {floor_run.frames_per_scan:.2f}",
        ),
    )


def main() -> None:
    print(measure().report())


if __name__ == "__main__":
    main()
