"""A network receipt printer for the tests: a TCP server on 127.0.0.1 that keeps what it gets."""

from __future__ import annotations

import socket
import socketserver
import threading


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrinterServer:
    """Accepts connections like a printer on port 9100 and records each job's bytes."""

    def __init__(self, port: int | None = None, status_reply: bytes = b"") -> None:
        self.port = port or free_port()
        self.status_reply = status_reply
        """Answer to a DLE EOT status query; empty: stay silent, as many printers do."""
        self.jobs: list[bytes] = []
        self._server: socketserver.ThreadingTCPServer | None = None
        self._received = threading.Condition()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> PrinterServer:
        jobs, received, server = self.jobs, self._received, self

        class Job(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                chunks = []
                while data := self.request.recv(65536):
                    chunks.append(data)
                    if server.status_reply and b"".join(chunks) == b"\x10\x04\x04":
                        self.request.sendall(server.status_reply)
                with received:
                    jobs.append(b"".join(chunks))
                    received.notify_all()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Job)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def wait_for(self, count: int, timeout: float = 5) -> list[bytes]:
        with self._received:
            self._received.wait_for(lambda: len(self.jobs) >= count, timeout)
        return self.jobs

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
