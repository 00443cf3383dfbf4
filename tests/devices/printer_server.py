"""A network receipt printer for the tests: a TCP server on 127.0.0.1 that keeps what it gets.

Like a real ESC/POS printer, it answers each real-time status query (DLE EOT 4) as it reads
it, that is only once it has read every byte sent before. Its modes are the printers met in
the field: one that answers status, one that never does, one that accepts connections and
never reads, one that answers a few queries then stops answering, and one that stops reading.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from typing import Any

STATUS_QUERY = b"\x10\x04\x04"
PAPER_OK = bytes([0x12])
"""The status byte of a printer with paper: what a printer that answers sends back."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrinterServer:
    """Accepts connections like a printer on port 9100 and records each job's bytes."""

    def __init__(
        self,
        port: int | None = None,
        status_reply: bytes = b"",
        *,
        reads: bool = True,
        answers: int | None = None,
        reads_after_answers: int | None = None,
        receive_buffer: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.status_reply = status_reply
        """Answer to a DLE EOT status query; empty: stay silent, as many printers do."""
        self.reads = reads
        """False: accept connections and never read a byte (a printer whose input is stuck)."""
        self.answers = answers
        """How many status queries to answer in all before going silent; None: every one."""
        self.reads_after_answers = reads_after_answers
        """Stop reading (and hold the connection) once this many queries were answered."""
        self.receive_buffer = receive_buffer
        """SO_RCVBUF of the printer's sockets: small, a printer that stops reading fills fast."""
        self._jobs: dict[int, bytes] = {}
        self._numbers: dict[socket.socket, int] = {}
        self.answered = 0
        self.connections = 0
        self._server: socketserver.ThreadingTCPServer | None = None
        self._received = threading.Condition()
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    @property
    def jobs(self) -> list[bytes]:
        """The bytes read on each connection that has ended, in the order they connected."""
        with self._received:
            return [self._jobs[number] for number in sorted(self._jobs)]

    def _answer(self) -> bytes:
        """The reply to one more status query (empty: none), counting it."""
        with self._received:
            spent = self.answers is not None and self.answered >= self.answers
            if not self.status_reply or spent:
                return b""
            self.answered += 1
            return self.status_reply

    def _still_reading(self) -> bool:
        limit = self.reads_after_answers
        return self.reads and (limit is None or self.answered < limit)

    def start(self) -> PrinterServer:
        server = self

        class Job(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                number = server._numbers.pop(self.request)
                received = bytearray()
                queries_seen = 0
                try:
                    while server._still_reading():
                        data = self.request.recv(65536)
                        if not data:
                            break
                        received += data
                        while queries_seen < received.count(STATUS_QUERY):
                            queries_seen += 1
                            if reply := server._answer():
                                self.request.sendall(reply)
                    else:  # stuck: hold the connection, read nothing more, until stopped
                        server._stopping.wait()
                finally:
                    with server._received:
                        server._jobs[number] = bytes(received)
                        server._received.notify_all()

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True

            def process_request(self, request: Any, client_address: Any) -> None:
                with server._received:  # numbered in the order accepted
                    server.connections += 1
                    server._numbers[request] = server.connections
                super().process_request(request, client_address)

            def server_bind(self) -> None:
                if server.receive_buffer:
                    self.socket.setsockopt(
                        socket.SOL_SOCKET, socket.SO_RCVBUF, server.receive_buffer
                    )
                super().server_bind()

        self._stopping.clear()
        self._server = Server(("127.0.0.1", self.port), Job)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def wait_for(self, count: int, timeout: float = 5) -> list[bytes]:
        with self._received:
            self._received.wait_for(lambda: len(self._jobs) >= count, timeout)
        return self.jobs

    def stop(self) -> None:
        """Stop listening, and let a stuck connection end (its bytes read so far recorded)."""
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
