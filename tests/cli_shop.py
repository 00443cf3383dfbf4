"""A shop for CLI tests: a config naming a database beside it, with a manager PIN, and the
database made (``till init``)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from till.cli import cli
from till.core.pin import hash_pin

MANAGER_PIN = "4821"


def shop_with_manager_pin(directory: Path) -> list[str]:
    """The global options that run ``till`` on the shop made in ``directory``."""
    config = directory / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin(MANAGER_PIN)}"\n[database]\npath = "shop.db"\n',
        encoding="utf-8",
    )
    base = ["--config", str(config)]
    assert CliRunner().invoke(cli, [*base, "init"]).exit_code == 0
    return base
