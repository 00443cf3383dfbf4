"""A real headless Chromium (Debian's, driven by its chromedriver) on a page of ``till serve``:
what the page's terminal shows is read back from the bytes its websocket received, replayed
into pyte, since xterm.js draws on a canvas the DOM does not hold."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyte
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

RECORDER = """
(() => {
  const Native = window.WebSocket;
  window.__tillFrames = [];
  window.__tillSize = null;
  window.WebSocket = function (url, protocols) {
    const socket = new Native(url, protocols);
    const query = new URL(url).searchParams;
    window.__tillSize = [Number(query.get("width")), Number(query.get("height"))];
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") return;
      const bytes = new Uint8Array(event.data);
      let text = "";
      for (let i = 0; i < bytes.length; i += 8192) {
        text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      }
      window.__tillFrames.push(text);
    });
    const send = socket.send.bind(socket);
    socket.send = (data) => {
      if (typeof data === "string" && data.startsWith('["resize"')) {
        const size = JSON.parse(data)[1];
        window.__tillSize = [size.width, size.height];
      }
      send(data);
    };
    return socket;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""
"""Keeps every binary frame (the app's terminal output) as a Latin-1 string, and the size the
page asked the app for."""


class BrowserTerminal:
    """The terminal on a textual-serve page, as the browser received it."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None

    def _read(self) -> None:
        frames, size = self.driver.execute_script(
            "return [window.__tillFrames.splice(0), window.__tillSize];"
        )
        if size and all(size):
            columns, lines = size
            if self.screen is None:
                self.screen = pyte.Screen(columns, lines)
                self.stream = pyte.ByteStream(self.screen)
            elif (self.screen.columns, self.screen.lines) != (columns, lines):
                self.screen.resize(lines, columns)
        if self.stream is not None:
            for frame in frames:
                self.stream.feed(frame.encode("latin-1"))

    def text(self) -> str:
        self._read()
        return "\n".join(self.screen.display) if self.screen else ""

    def wait_for(self, *texts: str, timeout: float = 30) -> None:
        self.wait_until(lambda shown: any(t in shown for t in texts), f"{texts!r}", timeout)

    def wait_until(self, holds: Callable[[str], bool], what: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not holds(shown := self.text()):
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout} s for {what} in the browser:\n{shown}")
            time.sleep(0.2)

    def press(self, *keys: str) -> None:
        """Type into the terminal as a person would: xterm.js's hidden text area has the
        focus, and turns each key into what a terminal sends."""
        area = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        area.send_keys(*keys)

    def body_classes(self) -> list[str]:
        return json.loads(
            self.driver.execute_script("return JSON.stringify([...document.body.classList]);")
        )


@contextmanager
def chromium(profile: Path) -> Iterator[webdriver.Chrome]:
    """Headless Chromium as root on a closed network: no sandbox, no GPU, and none of its
    background connections (refused here, they slow every start)."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,800",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
        yield driver
    finally:
        driver.quit()
