"""``till user`` (the people who log in: roles, PINs) and the PIN prompt of every command
that needs someone's approval. A PIN is read from the terminal without echo, or as one line
of standard input (a script), never from the command line, where `ps` and the shell's
history would show it."""

from __future__ import annotations

import json
import sys

import click

from till.core.people import Actor, Permission, Role, acting_as
from till.i18n import N_, NC_, _, pgettext

MAX_PIN_LINE = 64


def read_pin(prompt: str, *, confirm: bool = False) -> str:
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=confirm)
    line = sys.stdin.readline(MAX_PIN_LINE + 1)
    if len(line) > MAX_PIN_LINE:
        raise click.ClickException(
            _("{prompt}: a PIN is one short line of digits.").format(prompt=prompt)
        )
    return line.strip()


def people(ctx):
    from till.core.people import Session
    from till.people_service import PeopleService

    settings = ctx.settings()
    ctx.open_database(settings)
    return PeopleService(settings, Session(shell_actor(ctx)))


def shell_actor(ctx) -> Actor:
    """Whoever runs a command in a shell, before any PIN: the audit log's ``cli (login)``."""
    return acting_as(f"cli ({ctx.user})")


def approval(ctx, permission: Permission, prompt: str = N_("Manager PIN")) -> Actor:
    """Ask for the PIN of someone who may allow ``permission``; who they are, or one
    ``till:`` line (nobody can approve, a wrong PIN, a locked gate, a role that may not)."""
    service = people(ctx)  # reads the settings: the prompt in their language
    return service.approve(read_pin(_(prompt)), permission)


@click.group()
def user() -> None:
    """The people who log in: roles and PINs."""


ROLES = click.Choice([role.value for role in Role])
USER_STATE = "user"
"""The context of a user's state words (*actif*; a till's is *active*)."""
ACTIVE = NC_("user", "active")
DISABLED = NC_("user", "disabled")


@user.command(name="add")
@click.argument("name")
@click.option("--role", type=ROLES, required=True, help="viewer, cashier, manager or admin")
@click.pass_obj
def add(ctx, name: str, role: str) -> None:
    """Add NAME with a ROLE; asks for their PIN (and, once the till has an admin, an
    admin's PIN first)."""
    service = people(ctx)
    by = _admin(ctx, service)
    pin = read_pin(_("PIN for {name}").format(name=name), confirm=True)
    added = service.add_user(name, Role(role), pin, by)
    click.echo(_("{name} added ({role}).").format(name=added.name, role=_(added.role.word)))


@user.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="one JSON document")
@click.pass_obj
def list_users(ctx, as_json: bool) -> None:
    """Every user, their role and whether they may log in."""
    found = people(ctx).users()
    if as_json:
        rows = [
            {"name": u.name, "role": u.role.value, "active": not u.disabled, "since": u.created_at}
            for u in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    if not found:
        click.echo(_("No users: the till sells as its configured seller (till user add)."))
    roles = {role: _(role.word) for role in Role}
    states = {True: pgettext(USER_STATE, DISABLED), False: pgettext(USER_STATE, ACTIVE)}
    role_width, state_width = max(map(len, roles.values())), max(map(len, states.values()))
    for u in found:
        role, state = roles[u.role], states[u.disabled]
        click.echo(f"{u.name:<24} {role:<{role_width}} {state:<{state_width}} {u.created_at[:10]}")


@user.command(name="disable")
@click.argument("name")
@click.pass_obj
def disable(ctx, name: str) -> None:
    """NAME may no longer log in or approve (their sales keep their name)."""
    service = people(ctx)
    done = service.disable(name, _admin(ctx, service))
    click.echo(_("{name} is disabled.").format(name=done.name))


@user.command(name="reset-pin")
@click.argument("name")
@click.pass_obj
def reset_pin(ctx, name: str) -> None:
    """A new PIN for NAME (a disabled user is enabled again)."""
    service = people(ctx)
    by = _admin(ctx, service)
    pin = read_pin(_("New PIN for {name}").format(name=name), confirm=True)
    done = service.reset_pin(name, pin, by)
    click.echo(_("{name} has a new PIN.").format(name=done.name))


def _admin(ctx, service) -> Actor | None:
    if not service.needs_admin():
        return None
    return service.approve(read_pin(_("Admin PIN")), Permission.MANAGE_USERS)
