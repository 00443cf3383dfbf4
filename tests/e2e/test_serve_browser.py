"""`till serve` in a real browser: Debian's headless Chromium opens the page on 127.0.0.1, the
support view comes up in its terminal, and F2 typed into the page shows the customer list."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.keys import Keys

from .browser import CHROMEDRIVER, CHROMIUM, BrowserTerminal, chromium
from .conftest import Shop


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(shop: Shop) -> Iterator[str]:
    """``till serve`` on the shop, on a free port; its URL once it answers."""
    port = free_port()
    log = (shop.directory / "serve.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "till", "--config", str(shop.config), "serve", "--port", str(port)],
        cwd=shop.directory,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "till serve did not answer:\n" + (shop.directory / "serve.log").read_text()
                    ) from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def test_the_page_loads_and_shows_the_customer_list(served: str, tmp_path: Path) -> None:
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), "install chromium and chromium-driver"
    with chromium(tmp_path / "profile") as driver:
        driver.get(served)
        page = BrowserTerminal(driver)
        page.wait_until(  # xterm.js may show the top line a frame before the rest
            lambda shown: "support view" in shown and "Read-only" in shown,
            "the support view, read-only",
        )
        assert "-first-byte" in page.body_classes()  # the page's own sign the app is drawn

        page.press(Keys.F2)
        page.wait_for("DURAND Claire")
        shown = page.text()
        assert "DUPONT Jean" in shown and "2 of 2 shown" in shown


def test_serve_listens_on_this_machine_unless_configured(shop: Shop) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "till", "--config", str(shop.config), "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    (line,) = done.stderr.splitlines()
    assert line.startswith("till: --host 0.0.0.0") and "SSH tunnel" in line
