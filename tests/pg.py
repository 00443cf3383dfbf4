"""A throwaway PostgreSQL for tests and benchmarks, run from Debian's binaries on 127.0.0.1.

``running_postgres()`` makes a cluster in a temporary directory (trust authentication, loopback
only, no fsync: nothing in it outlives the run), starts it on a free port and yields the URL of
its database ``till``; at the end it stops the server and deletes the directory.
``fresh_database(url)`` gives one test a database of its own on that server and drops it after.
PostgreSQL refuses to run as root: then the binaries run as the ``postgres`` user that Debian's
package creates, in a directory that user owns. Missing binaries raise ``PostgresUnavailable``
(install the ``postgresql`` package; CI's ``.ci/run`` does)."""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

SUPERUSER = "till"
DATABASE = "till"
LOOPBACK = "127.0.0.1"
START_ATTEMPTS = 5
"""A free port found before the server binds it may be taken meanwhile: try another."""

SETTINGS = {
    "listen_addresses": f"'{LOOPBACK}'",
    "fsync": "off",  # a throwaway cluster: speed over durability
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",  # uvicorn's thread pool holds up to 40 a server process
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """PostgreSQL cannot be started here (no binaries, no postgres user, a failed start)."""


def postgres_bin() -> Path:
    """The newest of Debian's PostgreSQL binary folders, or the one holding pg_ctl on PATH."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise PostgresUnavailable(
        "PostgreSQL's binaries (pg_ctl, initdb) are not installed: "
        "apt-get install postgresql (CI's .ci/run does it)."
    )


@contextmanager
def running_postgres() -> Iterator[str]:
    """Start a throwaway PostgreSQL on 127.0.0.1; yields ``postgresql://till@127.0.0.1:PORT/till``."""
    binaries = postgres_bin()
    owner = _owner()
    home = Path(tempfile.mkdtemp(prefix="till-pg-"))
    try:
        if owner is not None:
            os.chown(home, owner.pw_uid, owner.pw_gid)
        data = home / "data"
        _run(
            owner,
            home,
            binaries / "initdb",
            f"--pgdata={data}",
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        port = _start(owner, home, binaries, data)
        try:
            url = f"postgresql://{SUPERUSER}@{LOOPBACK}:{port}"
            with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
            yield f"{url}/{DATABASE}"
        finally:
            _run(owner, home, binaries / "pg_ctl", "stop", f"--pgdata={data}", "--mode=immediate")
    finally:
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new, empty database on the server at ``url``, dropped at the end (connections
    still open to it are closed by the server)."""
    name = f"test_{secrets.token_hex(6)}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _owner() -> pwd.struct_passwd | None:
    """The user to run PostgreSQL as: ``postgres`` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresUnavailable(
            "PostgreSQL will not run as root and there is no postgres user: "
            "apt-get install postgresql creates it."
        ) from None


def _start(owner: pwd.struct_passwd | None, home: Path, binaries: Path, data: Path) -> int:
    config = data / "postgresql.conf"
    base_config = config.read_text()
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        settings = {**SETTINGS, "port": str(port), "unix_socket_directories": f"'{home}'"}
        config.write_text(base_config + "".join(f"{k} = {v}\n" for k, v in settings.items()))
        log = home / "server.log"
        try:
            _run(
                owner,
                home,
                binaries / "pg_ctl",
                "start",
                "--wait",
                "--timeout=60",
                f"--pgdata={data}",
                f"--log={log}",
            )
            return port
        except PostgresUnavailable as error:
            if "could not bind" not in (log.read_text() if log.exists() else ""):
                raise PostgresUnavailable(f"{error}\n{_tail(log)}") from None
    raise PostgresUnavailable(f"PostgreSQL found no free port in {START_ATTEMPTS} attempts.")


def _run(owner: pwd.struct_passwd | None, home: Path, program: Path, *args: str) -> None:
    command = [str(program), *args]
    if owner is not None:
        command = ["runuser", "-u", owner.pw_name, "--", *command]
    done = subprocess.run(command, cwd=home, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PostgresUnavailable(
            f"{program.name} {' '.join(args[:1])} failed ({done.returncode}): "
            f"{(done.stderr or done.stdout).strip()}"
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _tail(log: Path) -> str:
    return "\n".join(log.read_text().splitlines()[-10:]) if log.exists() else ""
