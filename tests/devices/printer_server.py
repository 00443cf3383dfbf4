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

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.jobs: list[bytes] = []
        self._server: socketserver.ThreadingTCPServer | None = None
        self._received = threading.Condition()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self) -> PrinterServer:
        jobs, received = self.jobs, self._received

        class Job(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                chunks = []
                while data := self.request.recv(65536):
                    chunks.append(data)
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
