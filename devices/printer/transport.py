"""Where receipt bytes go, chosen by the ``[printer] url`` of the configuration.

``tcp://HOST:PORT`` (network printers, port 9100), ``usb://VID:PID`` (python-escpos over
libusb), ``serial:///dev/ttyUSB0?baudrate=19200``, ``file:///dev/usb/lp0`` (the kernel's usblp
driver: the robust path for USB) or any file (the demo), and ``none``.
Every failure becomes a PrinterError a cashier can read; nothing here blocks longer than the
configured timeout.
"""

from __future__ import annotations

import errno
import logging
import socket
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlparse

from till.errors import ConfigError, PrinterError

log = logging.getLogger(__name__)


class Transport(Protocol):
    """Something that takes ESC/POS bytes."""

    url: str

    def send(self, data: bytes) -> None: ...

    def check(self) -> str:
        """Raise PrinterError if the printer cannot be reached; else say what is known."""


@dataclass
class NullTransport:
    """No printer configured: jobs succeed and print nothing."""

    url: str = "none"

    def send(self, data: bytes) -> None:
        return None

    def check(self) -> str:
        return "no printer configured"


@dataclass
class FileTransport:
    """A device node such as ``/dev/usb/lp0`` (kernel usblp driver) or a plain file (demo)."""

    path: str
    url: str

    def send(self, data: bytes) -> None:
        try:
            with open(self.path, "ab", buffering=0) as device:
                device.write(data)
        except OSError as error:
            raise self._error(error) from None

    def check(self) -> str:
        try:
            with open(self.path, "ab", buffering=0):
                pass
        except OSError as error:
            raise self._error(error) from None
        return f"{self.path} is writable"

    def _error(self, error: OSError) -> PrinterError:
        if isinstance(error, FileNotFoundError):
            return PrinterError(
                f"Printer {self.url}: no such device. Is it plugged in and switched on?"
            )
        if isinstance(error, PermissionError):
            return PrinterError(
                f"Printer {self.url}: permission denied (is the till user in group lp?)."
            )
        if error.errno in (errno.ENODEV, errno.ENXIO, errno.EIO):
            return PrinterError(f"Printer {self.url}: not answering (unplugged?).")
        return PrinterError(f"Printer {self.url}: {error.strerror}.")


PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: real-time paper sensor status
PAPER_OUT_BITS = 0x60
PAPER_LOW_BITS = 0x0C
STATUS_WAIT = 0.4
"""Seconds to wait for a status answer; printers that do not answer are printed to anyway."""


def paper_problem(reply: bytes) -> str:
    """What a DLE EOT 4 answer says is wrong with the paper, or an empty string."""
    if len(reply) != 1 or reply[0] & 0x93 != 0x12:  # not a status byte: nothing known
        return ""
    if reply[0] & PAPER_OUT_BITS:
        return "out of paper"
    return ""


@dataclass
class NetworkTransport:
    """A network printer on a raw TCP port (JetDirect, usually 9100)."""

    host: str
    port: int
    timeout: float
    url: str

    def send(self, data: bytes) -> None:
        with self._connect() as connection:
            self._refuse_without_paper(connection)
            try:
                connection.sendall(data)
            except OSError as error:
                raise PrinterError(f"Printer {self.url}: connection lost ({error}).") from None

    def check(self) -> str:
        with self._connect() as connection:
            self._refuse_without_paper(connection)
            return f"{self.host}:{self.port} accepts connections"

    def _refuse_without_paper(self, connection: socket.socket) -> None:
        """Ask for the paper status; advisory, since many printers never answer."""
        try:
            connection.sendall(PAPER_STATUS_QUERY)
            connection.settimeout(STATUS_WAIT)
            reply = connection.recv(1)
        except OSError:
            reply = b""
        finally:
            connection.settimeout(self.timeout)
        problem = paper_problem(reply)
        if problem:
            raise PrinterError(f"Printer {self.url}: {problem}. Load paper; the receipt waits.")

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except ConnectionRefusedError:
            raise PrinterError(
                f"Printer {self.url}: connection refused. Is it switched on?"
            ) from None
        except TimeoutError:
            raise PrinterError(
                f"Printer {self.url}: no answer within {self.timeout:g} s. Is it on the network?"
            ) from None
        except OSError as error:
            raise PrinterError(f"Printer {self.url}: cannot connect ({error}).") from None


@dataclass
class EscposTransport:
    """USB and serial printers through python-escpos's own connection classes."""

    kind: str
    options: dict
    url: str

    def send(self, data: bytes) -> None:
        printer = self._open()
        try:
            printer._raw(data)
        except Exception as error:
            raise PrinterError(f"Printer {self.url}: {error}") from None
        finally:
            printer.close()

    def check(self) -> str:
        self._open().close()
        return "device found"

    def _open(self):
        try:
            if self.kind == "usb":
                from escpos.printer import Usb

                printer = Usb(**self.options)
            else:
                from escpos.printer import Serial

                printer = Serial(**self.options)
            printer.open()
        except Exception as error:  # pyusb, pyserial and escpos each raise their own kinds
            reason = " ".join(str(error).split())
            if "No backend available" in reason:
                reason = "libusb is not installed (apt-get install libusb-1.0-0)"
            raise PrinterError(f"Printer {self.url}: cannot open it ({reason}).") from None
        return printer


def open_transport(url: str, timeout: float = 5) -> Transport:
    """The transport a printer URL names, or a ConfigError saying what is wrong with it."""
    if url in ("", "none"):
        return NullTransport()
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = unquote(parsed.netloc + parsed.path)
        if not path:
            raise ConfigError(f"[printer] url: {url!r} names no file.")
        return FileTransport(path, url)
    if parsed.scheme == "tcp":
        try:
            port = parsed.port or 9100
        except ValueError:
            raise ConfigError(f"[printer] url: {url!r} has a bad port.") from None
        if not parsed.hostname:
            raise ConfigError(f"[printer] url: {url!r} names no host (tcp://HOST:9100).")
        return NetworkTransport(parsed.hostname, port, timeout, url)
    if parsed.scheme == "usb":
        vendor, _, product = parsed.netloc.partition(":")
        try:
            ids = {"idVendor": int(vendor, 16), "idProduct": int(product, 16)}
        except ValueError:
            raise ConfigError(
                f"[printer] url: {url!r} needs hexadecimal ids, such as usb://04b8:0202."
            ) from None
        return EscposTransport("usb", {**ids, "timeout": int(timeout * 1000)}, url)
    if parsed.scheme == "serial":
        query = parse_qs(parsed.query)
        try:
            baudrate = int(query.get("baudrate", ["9600"])[0])
        except ValueError:
            raise ConfigError(f"[printer] url: {url!r} has a bad baudrate.") from None
        device = unquote(parsed.netloc + parsed.path)
        if not device:
            raise ConfigError(f"[printer] url: {url!r} names no device (serial:///dev/ttyUSB0).")
        options = {"devfile": device, "baudrate": baudrate, "timeout": timeout}
        return EscposTransport("serial", options, url)
    raise ConfigError(
        f"[printer] url: {url!r} is not supported; use tcp://HOST:9100, usb://VID:PID, "
        "serial:///dev/ttyUSB0?baudrate=19200, file:///dev/usb/lp0 or none."
    )
