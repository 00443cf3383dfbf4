"""A pseudo-terminal that runs the real ``till`` and types at a person's (or a scanner's) speed.

Pilot waits for the app to be idle after every key, so it cannot see what happens when keys
arrive faster than the app handles them. This terminal writes bytes to the program's tty the way
a terminal emulator, tmux or an SSH link does: several keys in one write (a scanner's burst, or
packets coalesced on the way) or one key per write with a pause (a cashier). Everything the
program draws is fed to a ``pyte`` screen, which the tests read back.
"""

from __future__ import annotations

import fcntl
import os
import random
import select
import signal
import struct
import subprocess
import termios
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import pyte


@dataclass(frozen=True)
class Key:
    """A named key, written as the escape sequence the terminal type sends for it."""

    name: str


ENTER, TAB, ESCAPE, BACKSPACE = Key("enter"), Key("tab"), Key("escape"), Key("backspace")
UP, DOWN, LEFT, RIGHT = Key("up"), Key("down"), Key("left"), Key("right")
F1, F2, F3, F4, F5, F6 = (Key(f"f{n}") for n in range(1, 7))
F7, F8, F9, F10, F11, F12 = (Key(f"f{n}") for n in range(7, 13))

XTERM_KEYS: Mapping[str, str] = {
    "enter": "\r",
    "tab": "\t",
    "escape": "\x1b",
    "backspace": "\x7f",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "f1": "\x1bOP",
    "f2": "\x1bOQ",
    "f3": "\x1bOR",
    "f4": "\x1bOS",
    "f5": "\x1b[15~",
    "f6": "\x1b[17~",
    "f7": "\x1b[18~",
    "f8": "\x1b[19~",
    "f9": "\x1b[20~",
    "f10": "\x1b[21~",
    "f11": "\x1b[23~",
    "f12": "\x1b[24~",
}
"""What xterm (and tmux, and most emulators) send; Textual's ``_ansi_sequences`` decodes them."""

LINUX_KEYS: Mapping[str, str] = {
    **XTERM_KEYS,
    "f1": "\x1b[[A",
    "f2": "\x1b[[B",
    "f3": "\x1b[[C",
    "f4": "\x1b[[D",
    "f5": "\x1b[[E",
}
"""The Linux console sends its own F1-F5; F6 and up are xterm's."""

KEYS_BY_TERM: Mapping[str, Mapping[str, str]] = {"linux": LINUX_KEYS}

Part = str | Key
"""What ``send`` and ``type`` take: text (each character a key) or a named key."""

NO_BREAK_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " "})

TRANSCRIPT_BYTES = 256 * 1024
"""How much of the raw output is kept, for ``tail``."""

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"
SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
"""Synchronized output (mode 2026), as tmux and modern terminals answer it: Textual then
brackets each frame, and the screen is updated a whole frame at a time, never half drawn."""


class ProgramExited(AssertionError):
    """The program ended while a test was still waiting for something on its screen."""


class Terminal:
    """One program running in a pseudo-terminal of ``columns`` x ``lines``, read into pyte."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        term: str = "xterm-256color",
        cwd: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        columns: int = 80,
        lines: int = 24,
        seed: int = 9,
    ) -> None:
        self.term = term
        self.keys = KEYS_BY_TERM.get(term, XTERM_KEYS)
        self.columns, self.lines = columns, lines
        self._random = random.Random(seed)  # gaps drawn from a range repeat run after run
        self._screen = pyte.Screen(columns, lines)
        self._stream = pyte.ByteStream(self._screen)
        self._lock = threading.Lock()
        self._transcript = bytearray()
        self._pending = b""
        """The start of a frame not yet written whole."""
        self._sync_answered = False
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        child_env = {
            key: value
            for key, value in (os.environ if env is None else env).items()
            if key not in ("COLUMNS", "LINES") and not key.startswith("TEXTUAL")
        }
        child_env["TERM"] = term
        try:
            self.process = subprocess.Popen(
                list(argv),
                stdin=slave,
                stdout=slave,
                stderr=slave,
                cwd=cwd,
                env=child_env,
                start_new_session=True,  # its own process group, killed whole by close()
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self._master = master
        self._hung_up = threading.Event()
        self.closed = False
        """True once ``close`` ran: the test ended the program on purpose."""
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    # --- input --------------------------------------------------------------------------

    def encode(self, *parts: Part) -> str:
        """The characters a terminal of this type sends for ``parts``."""
        return "".join(self.keys[p.name] if isinstance(p, Key) else p for p in parts)

    def send(self, *parts: Part) -> None:
        """Write ``parts`` in ONE write: a scanner's burst, or keys an SSH link coalesced."""
        self._write(self.encode(*parts))

    def type(self, *parts: Part, gap_ms: float | tuple[float, float] = 80) -> None:
        """Write one key per write with a pause between (a fixed gap or a random one in a
        range): a cashier's speed, or a scanner's 1-4 ms between characters."""
        keys = [k for p in parts for k in ([p] if isinstance(p, Key) else list(p))]
        for n, key in enumerate(keys):
            if n:
                gap = gap_ms if isinstance(gap_ms, int | float) else self._random.uniform(*gap_ms)
                time.sleep(gap / 1000)
            self.send(key)

    @contextmanager
    def stalled(self) -> Iterator[None]:
        """Hold the program still while keys are typed: they queue in the tty, as they do while
        the app is busy for a moment (a garbage collection, a commit, a CPU shared with other
        work), and reach it in one read when it resumes."""
        os.killpg(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.killpg(self.process.pid, signal.SIGCONT)

    def _write(self, text: str) -> None:
        self._write_bytes(text.encode("utf-8"))

    def _write_bytes(self, data: bytes) -> None:
        while data:
            written = os.write(self._master, data)
            data = data[written:]

    # --- output -------------------------------------------------------------------------

    def _read(self) -> None:
        while not self._hung_up.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    if self.process.poll() is not None:
                        return
                    continue
                data = os.read(self._master, 65536)
            except OSError:  # EIO: the program closed its end of the tty
                return
            if not data:
                return
            with self._lock:
                self._transcript += data
                del self._transcript[:-TRANSCRIPT_BYTES]
                if not self._sync_answered and SYNC_QUERY in self._transcript:
                    self._sync_answered = True
                    self._write_bytes(SYNC_REPLY)
                self._stream.feed(self._whole_frames(data))

    def _whole_frames(self, data: bytes) -> bytes:
        """What of the output so far can be shown: all but a frame still being written."""
        buffer, shown = self._pending + data, bytearray()
        while True:
            start = buffer.find(SYNC_START)
            if start < 0:
                keep = next(
                    (
                        k
                        for k in range(len(SYNC_START) - 1, 0, -1)
                        if buffer.endswith(SYNC_START[:k])
                    ),
                    0,
                )
                shown += buffer[: len(buffer) - keep]
                buffer = buffer[len(buffer) - keep :]
                break
            end = buffer.find(SYNC_END, start)
            if end < 0:
                shown += buffer[:start]
                buffer = buffer[start:]
                break
            shown += buffer[: end + len(SYNC_END)]
            buffer = buffer[end + len(SYNC_END) :]
        self._pending = buffer
        return bytes(shown)

    def display(self) -> list[str]:
        """The screen's lines as the person at the till reads them (no-break spaces, which
        money formats use, read as plain spaces)."""
        with self._lock:
            return [line.translate(NO_BREAK_SPACES) for line in self._screen.display]

    def text(self) -> str:
        return "\n".join(self.display())

    def wait_for(self, *texts: str, timeout: float = 15) -> str:
        """Wait until one of ``texts`` is on screen and return it (the first found, in the
        order given). The timeout is a deadline against hanging, not part of what is tested:
        a test that expects A and fears B waits for either, then asserts which came."""
        found: list[str] = []

        def seen() -> bool:
            screen = self.text()
            found[:] = [t for t in texts if t in screen][:1]
            return bool(found)

        self.wait_until(seen, f"one of {list(texts)!r} on screen", timeout)
        return found[0]

    def wait_until(self, condition: Callable[[], bool], what: str, timeout: float = 15) -> None:
        """Poll ``condition`` (which may read the screen) until it holds; fail with the
        screen shown if the deadline passes or the program ends."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.poll() is not None:
                time.sleep(0.1)  # let the reader take the last output
                if condition():
                    return
                raise ProgramExited(
                    f"the program exited with status {self.process.returncode} while waiting "
                    f"for {what}. Screen:\n{self.text()}\nLast output:\n{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited {timeout} s for {what}, in vain. Screen:\n{self.text()}"
                )
            time.sleep(0.01)

    def tail(self, size: int = 2000) -> str:
        """The end of what the program wrote, raw: tracebacks printed after it left the
        alternate screen show here."""
        with self._lock:
            return bytes(self._transcript[-size:]).decode("utf-8", "replace")

    # --- ending -------------------------------------------------------------------------

    def hang_up(self, timeout: float = 15) -> int:
        """Close the terminal's end as sshd does when the connection drops, and return the
        program's status once it has ended (an AssertionError if it outlives ``timeout``)."""
        self._hung_up.set()
        self._reader.join(timeout=2)
        os.close(self._master)
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the program outlived its terminal by {timeout} s") from None
        finally:
            self.close()
        return status

    def close(self) -> int:
        """Kill the program's whole process group (if still running) and return its status."""
        if self.closed:
            return self.process.returncode
        self.closed = True
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        status = self.process.wait(timeout=10)
        self._reader.join(timeout=2)
        if not self._hung_up.is_set():
            with suppress(OSError):
                os.close(self._master)
        return status

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
