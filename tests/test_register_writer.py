"""The register's one writer: a busy database is waited for, said, and given up on in time;
each write is one transaction, so trying again never writes twice."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.errors import DatabaseBusy
from storage.models import Customer as CustomerRow
from till.config import Settings
from till.register import Register

HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""
WAIT = 30  # seconds: a deadline against hanging, never reached when the code is right


@contextmanager
def lock_held(path: Path) -> Iterator[None]:
    """Another process holds the write lock until the block ends."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        assert process.stdout.readline() == b"locked\n"
        yield
    finally:
        process.stdin.write(b"release\n")
        process.stdin.close()
        process.wait(timeout=WAIT)


@pytest.fixture
def register(settings: Settings) -> Iterator[Register]:
    register = Register(settings)
    yield register
    register.close()


def add(register: Register, name: str):
    return register.customers.create({"last_name": name, "email": f"{name}@example.fr"})


class Write(threading.Thread):
    """A write through the register from a worker thread, as the screens start them."""

    def __init__(self, register: Register, name: str) -> None:
        super().__init__(daemon=True)
        self.register, self.name_ = register, name
        self.busy = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.register.in_writer(
                add, self.register, self.name_, on_busy=self.busy.set
            )
        except BaseException as error:
            self.error = error


def test_a_write_waits_for_the_lock_then_is_written_once(register, db_path):
    with lock_held(db_path):
        write = Write(register, "Martin")
        write.start()
        assert write.busy.wait(WAIT)  # told, while the other process writes
        assert CustomerRow.select().count() == 0
    write.join(WAIT)
    assert write.error is None and write.result is not None
    assert [c.last_name for c in CustomerRow.select()] == ["Martin"]


def test_a_write_queued_behind_a_waiting_one_is_told_too(register, db_path):
    with lock_held(db_path):
        first = Write(register, "Martin")
        first.start()
        assert first.busy.wait(WAIT)
        second = Write(register, "Durand")  # queued on the writer behind the first
        second.start()
        assert second.busy.wait(WAIT)
    first.join(WAIT)
    second.join(WAIT)
    assert sorted(c.last_name for c in CustomerRow.select()) == ["Durand", "Martin"]


def test_a_database_busy_for_too_long_is_given_up_on_in_plain_words(register, db_path):
    register.busy_give_up_after = 0.3
    with lock_held(db_path):
        with pytest.raises(DatabaseBusy) as caught:
            register.in_writer(add, register, "Martin")
        assert "stayed busy for 0.3 s" in str(caught.value)
        assert "Nothing was saved" in str(caught.value)
    assert CustomerRow.select().count() == 0
    add_after = register.in_writer(add, register, "Martin")  # the writer is fine afterwards
    assert add_after.last_name == "Martin"


def test_a_write_is_one_transaction(register):
    def two_then_fail() -> None:
        add(register, "Martin")
        add(register, "Durand")
        raise ValueError("a bug after two inserts")

    with pytest.raises(ValueError):
        register.in_writer(two_then_fail)
    assert CustomerRow.select().count() == 0


def test_a_write_that_writes_through_the_register_runs_in_place(register):
    def outer() -> object:
        return register.in_writer(add, register, "Martin")  # on the writer thread already

    thread = threading.Thread(target=lambda: register.in_writer(outer), daemon=True)
    thread.start()
    thread.join(WAIT)
    assert not thread.is_alive()  # no deadlock, waiting for itself
    assert CustomerRow.select().count() == 1
