"""Where the log goes: a rotating file beside the database, or the journal under systemd."""

from __future__ import annotations

import logging
import socket
import threading
from pathlib import Path

import pytest

from till import logs


@pytest.fixture(autouse=True)
def restore_logging():
    """configure() changes process-wide state: put it back after each test."""
    root = logging.getLogger()
    handlers, level, excepthook = list(root.handlers), root.level, threading.excepthook
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)
    threading.excepthook = excepthook
    logging.captureWarnings(False)


def test_outside_systemd_the_log_is_a_file_beside_the_database(tmp_path: Path):
    where = logs.configure(tmp_path / "data" / "till.db", environ={})
    assert where == str(tmp_path / "data" / "till.log")
    try:
        raise ValueError("a bug")
    except ValueError:
        logging.getLogger("till.test").exception("it failed")
    logging.getLogger("till.test").debug("too fine to keep")
    text = Path(where).read_text(encoding="utf-8")
    assert "ERROR till.test [MainThread] it failed" in text
    assert "Traceback" in text and "ValueError: a bug" in text
    assert "too fine" not in text


def test_the_log_file_holds_no_terminal_command(tmp_path: Path):
    """A name holding ESC sequences, logged, would retitle or blank the screen of a technician
    reading the log with tail -f."""
    where = logs.configure(tmp_path / "till.db", environ={})
    logging.getLogger("till.test").warning("no product %s", "Tit\x1b]0;pwned\x07le\x1b[2J")
    text = Path(where).read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert "pwned" in text and text.endswith("\n")


def test_configuring_again_replaces_the_destination(tmp_path: Path):
    first = logs.configure(tmp_path / "a" / "till.db", environ={})
    second = logs.configure(tmp_path / "b" / "till.db", environ={})
    logging.getLogger("till.test").warning("once")
    assert Path(second).read_text(encoding="utf-8").count("once") == 1
    assert "once" not in Path(first).read_text(encoding="utf-8")


def test_under_systemd_the_log_goes_to_the_journal_socket(tmp_path: Path):
    journal = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)  # what journald listens on
    address = str(tmp_path / "log")
    journal.bind(address)
    journal.settimeout(10)
    try:
        where = logs.configure(
            tmp_path / "till.db", environ={"INVOCATION_ID": "abc"}, syslog_socket=address
        )
        assert where.startswith("the journal")
        logging.getLogger("till.test").error("printer [b]gone[/b]")
        datagram = journal.recv(65536).decode()
    finally:
        journal.close()
    assert datagram.startswith("<11>till[")  # user facility, error priority, tag "till"
    assert datagram.endswith("ERROR till.test [MainThread] printer [b]gone[/b]\x00")
    assert not (tmp_path / "till.log").exists()


def test_under_systemd_without_the_socket_the_log_is_a_file(tmp_path: Path):
    where = logs.configure(
        tmp_path / "till.db", environ={"JOURNAL_STREAM": "8:1"}, syslog_socket=str(tmp_path / "x")
    )
    assert where == str(tmp_path / "till.log")


def test_an_exception_that_ends_a_thread_is_logged(tmp_path: Path):
    where = logs.configure(tmp_path / "till.db", environ={})

    def planted_bug() -> None:
        raise RuntimeError("lost in a thread")

    thread = threading.Thread(target=planted_bug, name="scanner-reader")
    thread.start()
    thread.join()
    text = Path(where).read_text(encoding="utf-8")
    assert "An unexpected error stopped scanner-reader: lost in a thread" in text
    assert "planted_bug" in text


def test_warnings_and_errors_are_forwarded_once_infos_are_not():
    shown: list[tuple[str, str]] = []
    handler = logs.forward_to_screen(lambda text, severity: shown.append((text, severity)))
    try:
        log = logging.getLogger("till.test")
        log.info("routine")
        log.warning("scanner %s unplugged", "A")
        log.error("printer gone")
    finally:
        logs.stop_forwarding(handler)
    log.error("after the app")
    assert shown == [("scanner A unplugged", "warning"), ("printer gone", "error")]


def test_a_record_the_cashier_was_already_shown_is_not_forwarded():
    shown: list[str] = []
    handler = logs.forward_to_screen(lambda text, severity: shown.append(text))
    try:
        logging.getLogger("till.test").error("told on the screen already", extra=logs.SHOWN)
        logging.getLogger("till.test").error("news")
    finally:
        logs.stop_forwarding(handler)
    assert shown == ["news"]


def test_a_record_logged_while_forwarding_is_not_forwarded_again():
    shown: list[str] = []

    def notify(text: str, severity: str) -> None:
        shown.append(text)
        logging.getLogger("till.test").warning("logged by the notification itself")

    handler = logs.forward_to_screen(notify)
    try:
        logging.getLogger("till.test").warning("first")
    finally:
        logs.stop_forwarding(handler)
    assert shown == ["first"]
