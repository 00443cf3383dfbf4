"""Where receipt bytes go, chosen by the ``[printer] url`` of the configuration.

``tcp://HOST:PORT`` (network printers, port 9100), ``usb://VID:PID`` (python-escpos over
libusb), ``serial:///dev/ttyUSB0?baudrate=19200``, ``file:///dev/usb/lp0`` (the kernel's usblp
driver: the robust path for USB) or any file (the demo), and ``none``.
Every failure becomes a PrinterError a cashier can read; nothing here blocks longer than the
configured timeout.

``send`` says how far a job is known to have gone (:class:`Delivery`): a network printer that
answers real-time status confirms each job (it answers a status query sent after the job only
once it has read the job); other printers can only be sent to. A job that may or may not have
reached the paper raises :class:`DeliveryUncertain`.
"""

from __future__ import annotations

import enum
import errno
import logging
import os
import socket
import stat
import time
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlparse

from till.core.words import N_
from till.errors import ConfigError, PrinterError

log = logging.getLogger(__name__)


class Delivery(enum.Enum):
    """How far a job is known to have gone once ``send`` returns."""

    CONFIRMED = "confirmed"
    """The printer said it had read the whole job (or the file holds it: the demo)."""
    SENT = "sent"
    """Handed to a printer or device that cannot say whether it read it."""
    NO_PRINTER = "no printer"
    """No printer is configured: nothing was meant to print."""


class DeliveryUncertain(PrinterError):
    """The job went out, in part or whole, and the printer did not confirm it: it may or may
    not be on paper. Never re-sent by itself (that could print it twice): someone looks."""


class Transport(Protocol):
    """Something that takes ESC/POS bytes."""

    url: str

    def send(self, data: bytes) -> Delivery:
        """Deliver a job; raise PrinterError if it was not sent (DeliveryUncertain: if it
        went out and was not confirmed where confirmation was expected)."""

    def check(self) -> str:
        """Raise PrinterError if the printer cannot be reached; else say what is known."""


@dataclass
class NullTransport:
    """No printer configured: jobs succeed and print nothing."""

    url: str = "none"

    def send(self, data: bytes) -> Delivery:
        return Delivery.NO_PRINTER

    def check(self) -> str:
        return "no printer configured"


@dataclass
class FileTransport:
    """A device node such as ``/dev/usb/lp0`` (kernel usblp driver) or a plain file (demo).

    A device node takes the bytes into a driver buffer and says nothing of the paper: SENT.
    A plain file is the printout itself (the demo and the tests read it): once written, the
    job is there, CONFIRMED."""

    path: str
    url: str

    def send(self, data: bytes) -> Delivery:
        try:
            with open(self.path, "ab", buffering=0) as device:
                device.write(data)
                plain_file = stat.S_ISREG(os.fstat(device.fileno()).st_mode)
        except OSError as error:
            raise self._error(error) from None
        return Delivery.CONFIRMED if plain_file else Delivery.SENT

    def check(self) -> str:
        try:
            with open(self.path, "ab", buffering=0):
                pass
        except OSError as error:
            raise self._error(error) from None
        if os.path.isfile(self.path):
            return f"{self.path} is writable (a plain file: what is written is the printout)"
        return f"{self.path} is writable; a device node: receipts are sent, not confirmed"

    def _error(self, error: OSError) -> PrinterError:
        if isinstance(error, FileNotFoundError):
            return PrinterError(
                N_("Printer {url}: no such device. Is it plugged in and switched on?"),
                url=self.url,
            )
        if isinstance(error, PermissionError):
            return PrinterError(
                N_("Printer {url}: permission denied (is the till user in group lp?)."),
                url=self.url,
            )
        if error.errno in (errno.ENODEV, errno.ENXIO, errno.EIO):
            return PrinterError(N_("Printer {url}: not answering (unplugged?)."), url=self.url)
        return PrinterError(N_("Printer {url}: {reason}."), url=self.url, reason=error.strerror)


PAPER_STATUS_QUERY = b"\x10\x04\x04"  # DLE EOT 4: real-time paper sensor status
PAPER_OUT_BITS = 0x60
PAPER_LOW_BITS = 0x0C
STATUS_WAIT = 0.4
"""Seconds to wait for a status answer from a printer never heard from; printers that do not
answer are printed to anyway."""


def is_status_byte(reply: bytes) -> bool:
    """Whether ``reply`` is one real-time status byte (bits 1 and 4 set, 0 and 7 clear)."""
    return len(reply) == 1 and reply[0] & 0x93 == 0x12


def paper_problem(reply: bytes) -> str:
    """What a DLE EOT 4 answer says is wrong with the paper, as the message id of the
    refusal (``{url}``: the printer's), or an empty string."""
    if not is_status_byte(reply):  # not a status byte: nothing known
        return ""
    if reply[0] & PAPER_OUT_BITS:
        return N_("Printer {url}: out of paper. Load paper; the receipt waits.")
    return ""


@dataclass
class NetworkTransport:
    """A network printer on a raw TCP port (JetDirect, usually 9100).

    Before each job it asks the paper status (DLE EOT 4). Once the printer has answered one
    such query, it is known to answer: after each job it is asked again, and its answer, which
    comes only once it has read everything sent before the query, confirms the job. A printer
    never heard from gets its jobs sent, unconfirmed, as before."""

    host: str
    port: int
    timeout: float
    url: str
    answers_status: bool = field(default=False, compare=False)
    """Whether this printer has answered a status query since the till started."""

    def send(self, data: bytes) -> Delivery:
        with self._connect() as connection:
            self._refuse_without_paper(connection)
            try:
                connection.sendall(data)
            except TimeoutError:
                raise DeliveryUncertain(
                    N_(
                        "Printer {url}: stopped reading in the middle of the job"
                        " (nothing taken for {timeout:g} s)."
                    ),
                    url=self.url,
                    timeout=self.timeout,
                ) from None
            except OSError as error:
                raise DeliveryUncertain(
                    N_("Printer {url}: connection lost during the job ({reason})."),
                    url=self.url,
                    reason=str(error),
                ) from None
            if not self.answers_status:
                return Delivery.SENT
            try:
                confirmed = self._status(connection, self.timeout) is not None
            except PrinterError as error:  # the job is out: it must not be re-sent
                raise DeliveryUncertain(error.message_id, **error.params) from None
            if not confirmed:
                raise DeliveryUncertain(
                    N_(
                        "Printer {url}: did not confirm the job within {timeout:g} s"
                        " (it answers status)."
                    ),
                    url=self.url,
                    timeout=self.timeout,
                )
            return Delivery.CONFIRMED

    def check(self) -> str:
        with self._connect() as connection:
            self._refuse_without_paper(connection)
        if self.answers_status:
            return f"{self.host}:{self.port} answers status: receipts are confirmed"
        return (
            f"{self.host}:{self.port} accepts connections; no status answer: receipts are sent,"
            " not confirmed"
        )

    def _refuse_without_paper(self, connection: socket.socket) -> None:
        """Ask for the paper status before a job. A printer never heard from may stay silent
        (many never answer); one known to answer that stays silent gets no job: it may not
        be reading at all, and a job sent now could be lost."""
        known = self.answers_status
        reply = self._status(connection, self.timeout if known else min(STATUS_WAIT, self.timeout))
        if reply is None:
            if known:
                raise PrinterError(
                    N_(
                        "Printer {url}: no status answer within {timeout:g} s, though it"
                        " answered before. Is it jammed or open? The receipt waits."
                    ),
                    url=self.url,
                    timeout=self.timeout,
                )
            return
        problem = paper_problem(reply)
        if problem:
            raise PrinterError(problem, url=self.url)

    def _status(self, connection: socket.socket, wait: float) -> bytes | None:
        """Send DLE EOT 4 and wait up to ``wait`` seconds for the status byte; None if none
        came. Other bytes (automatic status back, flow control) are passed over."""
        deadline = time.monotonic() + wait
        try:
            connection.sendall(PAPER_STATUS_QUERY)
            while (left := deadline - time.monotonic()) > 0:
                connection.settimeout(left)
                reply = connection.recv(1)
                if not reply:
                    raise PrinterError(
                        N_(
                            "Printer {url}: closed the connection. Is it busy with another"
                            " till? The receipt waits."
                        ),
                        url=self.url,
                    )
                if is_status_byte(reply):
                    self.answers_status = True
                    return reply
        except TimeoutError:
            return None
        except OSError as error:
            raise PrinterError(
                N_("Printer {url}: connection lost ({reason})."), url=self.url, reason=str(error)
            ) from None
        finally:
            connection.settimeout(self.timeout)
        return None

    def _connect(self) -> socket.socket:
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except ConnectionRefusedError:
            raise PrinterError(
                N_("Printer {url}: connection refused. Is it switched on?"), url=self.url
            ) from None
        except TimeoutError:
            raise PrinterError(
                N_("Printer {url}: no answer within {timeout:g} s. Is it on the network?"),
                url=self.url,
                timeout=self.timeout,
            ) from None
        except OSError as error:
            raise PrinterError(
                N_("Printer {url}: cannot connect ({reason})."), url=self.url, reason=str(error)
            ) from None


@dataclass
class EscposTransport:
    """USB and serial printers through python-escpos's own connection classes."""

    kind: str
    options: dict
    url: str

    def send(self, data: bytes) -> Delivery:
        printer = self._open()
        try:
            printer._raw(data)
        except Exception as error:
            raise PrinterError(
                N_("Printer {url}: {reason}"), url=self.url, reason=str(error)
            ) from None
        finally:
            printer.close()
        return Delivery.SENT  # no status is read back over USB or serial (yet)

    def check(self) -> str:
        self._open().close()
        return "device found; no status read back: receipts are sent, not confirmed"

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
                raise PrinterError(
                    N_(
                        "Printer {url}: cannot open it (libusb is not installed "
                        "(apt-get install libusb-1.0-0))."
                    ),
                    url=self.url,
                ) from None
            raise PrinterError(
                N_("Printer {url}: cannot open it ({reason})."), url=self.url, reason=reason
            ) from None
        return printer


def open_transport(url: str, timeout: float = 5) -> Transport:
    """The transport a printer URL names, or a ConfigError saying what is wrong with it."""
    if url in ("", "none"):
        return NullTransport()
    parsed = urlparse(url)
    if parsed.scheme == "file":
        path = unquote(parsed.netloc + parsed.path)
        if not path:
            raise ConfigError(N_("[printer] url: {url!r} names no file."), url=url)
        return FileTransport(path, url)
    if parsed.scheme == "tcp":
        try:
            port = parsed.port or 9100
        except ValueError:
            raise ConfigError(N_("[printer] url: {url!r} has a bad port."), url=url) from None
        if not parsed.hostname:
            raise ConfigError(
                N_("[printer] url: {url!r} names no host (tcp://HOST:9100)."), url=url
            )
        return NetworkTransport(parsed.hostname, port, timeout, url)
    if parsed.scheme == "usb":
        vendor, _, product = parsed.netloc.partition(":")
        try:
            ids = {"idVendor": int(vendor, 16), "idProduct": int(product, 16)}
        except ValueError:
            raise ConfigError(
                N_("[printer] url: {url!r} needs hexadecimal ids, such as usb://04b8:0202."),
                url=url,
            ) from None
        return EscposTransport("usb", {**ids, "timeout": int(timeout * 1000)}, url)
    if parsed.scheme == "serial":
        query = parse_qs(parsed.query)
        try:
            baudrate = int(query.get("baudrate", ["9600"])[0])
        except ValueError:
            raise ConfigError(N_("[printer] url: {url!r} has a bad baudrate."), url=url) from None
        device = unquote(parsed.netloc + parsed.path)
        if not device:
            raise ConfigError(
                N_("[printer] url: {url!r} names no device (serial:///dev/ttyUSB0)."), url=url
            )
        options = {"devfile": device, "baudrate": baudrate, "timeout": timeout}
        return EscposTransport("serial", options, url)
    raise ConfigError(
        N_(
            "[printer] url: {url!r} is not supported; use tcp://HOST:9100, usb://VID:PID, "
            "serial:///dev/ttyUSB0?baudrate=19200, file:///dev/usb/lp0 or none."
        ),
        url=url,
    )
