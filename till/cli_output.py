"""What the ``till`` commands print reaches the terminal as text only.

Names, reasons and addresses come from files and other tills; one holding an escape sequence
would rewrite a technician's terminal (its title, its screen) if printed as is. Every command
other than the register itself writes through ``printable_output``, which drops control
characters from stdout and stderr whatever the command prints (line breaks stay).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from till.core.text import printable


class PrintableStream:
    """A text stream passing on only printable text and line breaks to ``stream``.

    It has no ``buffer``, so click writes through it rather than around it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click probes streams with bytes: text only here
            raise TypeError("PrintableStream takes text")
        self._stream.write(printable(text, keep_newlines=True))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self._stream, "errors", None) or "strict"


@contextmanager
def printable_output() -> Iterator[None]:
    """Within the block, stdout and stderr carry printable text only."""
    saved = sys.stdout, sys.stderr
    sys.stdout = PrintableStream(saved[0])
    sys.stderr = PrintableStream(saved[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
