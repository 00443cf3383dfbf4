"""Where receipt bytes go, chosen by the ``[printer] url`` of the configuration."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlparse

from till.errors import ConfigError, PrinterError


class Transport(Protocol):
    """Something that takes ESC/POS bytes."""

    url: str

    def send(self, data: bytes) -> None: ...


@dataclass
class NullTransport:
    """No printer configured: jobs succeed and print nothing."""

    url: str = "none"

    def send(self, data: bytes) -> None:
        return None


@dataclass
class FileTransport:
    """A device node such as ``/dev/usb/lp0`` (kernel usblp driver) or a plain file (demo)."""

    path: str
    url: str

    def send(self, data: bytes) -> None:
        try:
            with open(self.path, "ab", buffering=0) as device:
                device.write(data)
        except FileNotFoundError:
            raise PrinterError(
                f"Printer {self.url}: no such device. Is it plugged in and switched on?"
            ) from None
        except PermissionError:
            raise PrinterError(f"Printer {self.url}: permission denied.") from None
        except OSError as error:
            if error.errno in (errno.ENODEV, errno.ENXIO, errno.EIO):
                raise PrinterError(f"Printer {self.url}: not answering (unplugged?).") from None
            raise PrinterError(f"Printer {self.url}: {error.strerror}.") from None


def open_transport(url: str) -> Transport:
    """A transport for ``none`` or ``file:///path``; other kinds come with the device work."""
    if url in ("", "none"):
        return NullTransport()
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = unquote(parsed.netloc + parsed.path)
        if not path:
            raise ConfigError(f"[printer] url: {url!r} names no file.")
        return FileTransport(path, url)
    raise ConfigError(f"[printer] url: {url!r} is not supported; use file:///dev/usb/lp0 or none.")
