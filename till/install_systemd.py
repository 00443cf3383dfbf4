"""``till install-systemd``: writes the till's systemd units and udev rules, rendered for this
installation, and says which ``systemctl`` commands start them.

The units in ``systemd/`` are written for the usual install (user ``till``, ``till`` in
``/opt/till/.venv/bin``); rendering replaces exactly those two things: the path of the ``till``
executable beside this Python, and the user and group the services run as (which also own the
scanners, in the udev rules). Nothing else in a unit changes, so what is installed is what the
tests verify with ``systemd-analyze verify``.

It reads no till config: it speaks the language ``till.cli_language`` chooses.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from till.errors import TillError
from till.i18n import N_, _

TEMPLATES = Path(__file__).resolve().parents[1] / "systemd"
"""The units and rules, in the checkout ``till`` is installed from (``pip install -e``)."""

TEMPLATE_TILL = "/opt/till/.venv/bin/till"
TEMPLATE_USER = "till"
USER_NAME = re.compile(r"[a-z_][a-z0-9_-]{0,31}")
"""A name safe in a unit file and accepted by Debian's adduser."""

SERVER_ENV = "etc/till/server.env"
UNIT_DIR = "etc/systemd/system"
RULES_DIR = "etc/udev/rules.d"
RULES = ("99-till-scanners.rules", "99-till-printers.rules")
UNIT_PATH = re.compile(r"/[A-Za-z0-9/._+-]*")
"""A path ExecStart= takes literally: no spaces, quotes, specifiers (%) or variables ($)."""
URL_REFUSED = re.compile(r"[\s\"'\\$`]|[^\x21-\x7e]")
"""What a database URL may not hold: an environment file would mangle it."""


@dataclass(frozen=True)
class Plan:
    """What to install: each file's path under ROOT and its text, and the commands to run."""

    files: dict[Path, str]
    private: frozenset[Path]
    commands: list[str]


def till_executable() -> Path:
    """The ``till`` script of this installation: beside the venv's Python, not resolved (a venv's
    python is a symlink to the system's, whose directory holds no ``till``)."""
    return Path(sys.executable).parent / "till"


def check_user(name: str, root: Path) -> str:
    """The group the services run as, for user ``name``; refused if the name cannot be in a
    unit file, or, when installing on this machine, if no such user exists."""
    if not USER_NAME.fullmatch(name):
        raise TillError(
            N_(
                "{name}: not a user name a unit can hold (lower-case letters, digits, '_' and"
                " '-', at most 32, not starting with a digit or '-'); nothing installed."
            ),
            name=repr(name),
        )
    if root != Path("/"):
        return name
    import grp
    import pwd

    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise TillError(
            N_(
                "no user {user} on this machine: create it first"
                " (adduser --system --group --home /var/lib/till {name}); nothing installed."
            ),
            user=repr(name),
            name=name,
        ) from None
    try:
        return grp.getgrgid(entry.pw_gid).gr_name
    except KeyError:
        return name


def render(template: str, executable: Path, user: str, group: str) -> str:
    """``template`` with this installation's ``till`` and the given user and group."""
    text = template.replace(TEMPLATE_TILL, str(executable))
    text = re.sub(r"^User=till$", f"User={user}", text, flags=re.MULTILINE)
    text = re.sub(r"^Group=till$", f"Group={group}", text, flags=re.MULTILINE)
    return text.replace('GROUP="till"', f'GROUP="{group}"')


def plan(*, root: Path, user: str, kiosk: bool, server_db: str | None) -> Plan:
    """The files ``till install-systemd`` writes under ``root``, and the commands to run."""
    if not (TEMPLATES / "till.service").is_file():
        raise TillError(
            N_(
                "{folder}: the unit templates are not there (install till from its checkout,"
                " pip install -e); nothing installed."
            ),
            folder=str(TEMPLATES),
        )
    group = check_user(user, root)
    executable = till_executable()
    if not UNIT_PATH.fullmatch(str(executable)):
        raise TillError(
            N_(
                "{path}: a path a unit cannot hold as it is (only letters, digits and"
                " '/._+-'): install till in a venv such as /opt/till/.venv; nothing installed."
            ),
            path=str(executable),
        )
    screen = "till-kiosk.service" if kiosk else "till.service"
    units = [screen, "till-sync.service"] + (["till-server.service"] if server_db else [])
    files: dict[Path, str] = {}
    for unit in units:
        template = (TEMPLATES / unit).read_text(encoding="utf-8")
        files[root / UNIT_DIR / unit] = render(template, executable, user, group)
    for rules in RULES:
        template = (TEMPLATES / rules).read_text(encoding="utf-8")
        files[root / RULES_DIR / rules] = render(template, executable, user, group)
    private: set[Path] = set()
    if server_db is not None:
        if URL_REFUSED.search(server_db) or "://" not in server_db:
            raise TillError(
                N_(
                    "--db: a URL such as sqlite:////var/lib/till/server.sqlite or"
                    " postgresql://till@localhost/till, without spaces, quotes, '\\', '$' or"
                    " '`' (put a password in ~/.pgpass instead); nothing installed."
                )
            )
        env = root / SERVER_ENV
        files[env] = (
            "# till-server.service reads this (written by till install-systemd)\n"
            f"TILL_SERVER_DB={server_db}\n"
        )
        private.add(env)
    name = screen.removesuffix(".service")
    commands = [
        "systemctl daemon-reload",
        "udevadm control --reload && udevadm trigger",
        "systemctl disable getty@tty1",
        f"systemctl enable --now {name}",
    ]
    if kiosk:
        commands.insert(2, "systemctl disable --now till")
    if server_db:
        commands.append("systemctl enable --now till-server")
    commands.append("# for a till whose register is not running: systemctl enable --now till-sync")
    return Plan(files, frozenset(private), commands)


def check_overwrites(the_plan: Plan, force: bool) -> list[Path]:
    """The files that would change; refused if any exists with other text, unless ``force``."""
    changed = []
    for path, text in the_plan.files.items():
        if path.is_file() and path.read_text(encoding="utf-8", errors="replace") == text:
            continue
        if path.exists() and not force:
            raise TillError(
                N_(
                    "{path} exists and differs from the one till would write: check it, then"
                    " run again with --force to replace it; nothing installed."
                ),
                path=str(path),
            )
        changed.append(path)
    return changed


def write(the_plan: Plan, paths: list[Path]) -> None:
    """Write ``paths`` of the plan, each whole or not at all (a temporary file renamed)."""
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        mode = 0o600 if path in the_plan.private else 0o644
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(the_plan.files[path])
        os.chmod(partial, mode)
        os.replace(partial, path)


@click.command(name="install-systemd")
@click.option("--kiosk", is_flag=True, help="The customer kiosk on tty1 instead of the register.")
@click.option("--user", default=TEMPLATE_USER, show_default=True, help="User the services run as.")
@click.option("--server", is_flag=True, help="Also the back-office server (needs --db).")
@click.option("--db", "server_db", metavar="URL", help="The back-office server's database URL.")
@click.option(
    "--root",
    type=click.Path(file_okay=False),
    default="/",
    show_default=True,
    help="Install under this directory (an image being prepared) instead of this machine.",
)
@click.option("--force", is_flag=True, help="Replace units and rules that were changed.")
@click.option("--dry-run", is_flag=True, help="Say what would be written; write nothing.")
@click.pass_context
def install_systemd(
    click_ctx: click.Context,
    kiosk: bool,
    user: str,
    server: bool,
    server_db: str | None,
    root: str,
    force: bool,
    dry_run: bool,
) -> None:
    """Install the systemd units (the register or kiosk on tty1, sync, and with --server the
    back-office server) and the udev rules for scanners and printers, for this till executable
    and USER; then print the systemctl commands that start them (docs/deployment.md)."""
    from till.cli_language import speak_command_language

    speak_command_language(getattr(click_ctx.find_root().obj, "config_path", None))
    if server != (server_db is not None):
        raise click.UsageError(_("--server and --db URL go together"))
    root_path = Path(root).resolve()
    the_plan = plan(root=root_path, user=user, kiosk=kiosk, server_db=server_db)
    changed = check_overwrites(the_plan, force)
    verb = _("would write") if dry_run else _("wrote")
    for path in the_plan.files:
        state = verb if path in changed else _("unchanged")
        click.echo(_("{state}: {path}").format(state=state, path=path))
    if not dry_run:
        write(the_plan, changed)
    reloaded = False
    if not dry_run and root_path == Path("/") and shutil.which("systemctl"):
        done = subprocess.run(["systemctl", "daemon-reload"], check=False, timeout=60)
        reloaded = done.returncode == 0
    click.echo(_("Then run, as root:") if not dry_run else _("Then, as root:"))
    for command in the_plan.commands:
        if reloaded and command == "systemctl daemon-reload":
            continue
        click.echo(f"  {command}")
