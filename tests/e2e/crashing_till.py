"""The real ``till`` command with one bug planted: F7 (last receipt) raises, as a bug in a
screen would. ``python -m tests.e2e.crashing_till [till options]``."""

from till.cli import main
from till.screens.sale import SaleScreen


def _planted_bug(self: SaleScreen) -> None:
    raise RuntimeError("a bug behind F7")


SaleScreen.action_last_receipt = _planted_bug  # type: ignore[method-assign]

if __name__ == "__main__":
    main()
