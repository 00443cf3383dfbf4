"""The demo's scanner: hands out barcodes of the catalog, one per trigger."""

from __future__ import annotations

import random


class SimulatedScanner:
    """Scans random products of the catalog, as a cashier's scanner would."""

    def __init__(self, codes: list[str], seed: int | None = None) -> None:
        self.codes = codes
        self._random = random.Random(seed)

    def next_code(self) -> str | None:
        return self._random.choice(self.codes) if self.codes else None
