"""Users and the PIN gate. Hashes are made by the caller (till/core/pin.py) with the pepper
kept outside the database; this module only stores them and counts wrong PINs atomically."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from peewee import IntegrityError

from storage.ids import new_id
from storage.models import PinGate, TillUser, database
from till.core.people import Role
from till.core.pin import Lockout
from till.core.words import N_
from till.errors import TillError

LOCAL, SERVER = "local", "server"


class UserError(TillError):
    """A user that cannot be added or changed as asked."""


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: Role
    pin_hash: str
    disabled: bool
    created_at: str
    origin: str = LOCAL
    """``local``, or ``server`` for a user the back office manages."""


def _user(row: TillUser) -> User:
    return User(
        row.id, row.name, Role(row.role), row.pin_hash, row.disabled, row.created_at, row.origin
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def add_user(name: str, role: Role, pin_hash: str, pin_tag: str) -> User:
    at = _now()
    with database.atomic():
        if TillUser.get_or_none(TillUser.name == name) is not None:
            raise UserError(N_("A user named {name} already exists."), name=name)
        _refuse_taken_pin(pin_tag)
        row = TillUser.create(
            id=new_id(),
            name=name,
            role=role.value,
            pin_hash=pin_hash,
            pin_tag=pin_tag,
            disabled=False,
            created_at=at,
            updated_at=at,
        )
    return _user(row)


def _refuse_taken_pin(pin_tag: str, but: str = "") -> None:
    taken = TillUser.select().where(
        (TillUser.pin_tag == pin_tag)
        & (TillUser.origin == LOCAL)
        & (TillUser.disabled == False)  # noqa: E712
        & (TillUser.id != but)
    )
    if taken.exists():
        raise UserError(N_("Another user has this PIN: choose another."))


def users() -> list[User]:
    return [_user(row) for row in TillUser.select().order_by(TillUser.name)]


def has_active_users() -> bool:
    return TillUser.select().where(TillUser.disabled == False).exists()  # noqa: E712


def has_active(role: Role) -> bool:
    query = TillUser.select().where((TillUser.disabled == False) & (TillUser.role == role.value))  # noqa: E712
    return query.exists()


def user_named(name: str) -> User:
    row = TillUser.get_or_none(TillUser.name == name)
    if row is None:
        raise UserError(N_("No user is named {name} (see `till user list`)."), name=name)
    return _user(row)


def user_with_tag(pin_tag: str, origin: str = LOCAL) -> User | None:
    """The active user whose PIN has this tag (tags of the back office's users are made with
    the business's pepper, so each origin is looked up with its own)."""
    row = TillUser.get_or_none(
        (TillUser.pin_tag == pin_tag) & (TillUser.origin == origin) & (TillUser.disabled == False)  # noqa: E712
    )
    return _user(row) if row else None


def has_server_users() -> bool:
    return TillUser.select().where(TillUser.origin == SERVER).exists()


def _local(name: str) -> User:
    user = user_named(name)
    if user.origin != LOCAL:
        raise UserError(
            N_(
                "{name} is managed by the back office: change them there"
                " (till server user …), and every till follows."
            ),
            name=user.name,
        )
    return user


def disable(name: str) -> User:
    with database.atomic():
        user = _local(name)
        TillUser.update(disabled=True, updated_at=_now()).where(TillUser.id == user.id).execute()
    return user_named(name)


def set_pin(name: str, pin_hash: str, pin_tag: str) -> User:
    """A new PIN for ``name``; a disabled user is enabled again with it."""
    with database.atomic():
        user = _local(name)
        _refuse_taken_pin(pin_tag, but=user.id)
        try:
            TillUser.update(
                pin_hash=pin_hash, pin_tag=pin_tag, disabled=False, updated_at=_now()
            ).where(TillUser.id == user.id).execute()
        except IntegrityError:
            raise UserError(N_("Another user has this PIN: choose another.")) from None
    return user_named(name)


def reserve_try(gate: str, now: float, lockout: Lockout) -> float:
    """Count one PIN attempt before it is checked, in one transaction: 0 if it may be checked,
    else the seconds the gate stays locked. The attempt counts as wrong until
    :func:`clear_tries` says otherwise, so attempts made at once (forty processes, a killed
    check) each use up a try; the last allowed try locks the gate in advance."""
    with database.atomic():
        PinGate.insert(name=gate, failures=0, locked_until=0).on_conflict_ignore().execute()
        row = PinGate.get(PinGate.name == gate)
        if now < row.locked_until:
            return row.locked_until - now
        failures = row.failures + 1
        locked_until = now + lockout.seconds if failures >= lockout.tries else 0.0
        PinGate.update(failures=0 if locked_until else failures, locked_until=locked_until).where(
            PinGate.name == gate
        ).execute()
    return 0.0


def clear_tries(gate: str) -> None:
    """A right PIN: the gate starts counting again from zero, unlocked."""
    PinGate.update(failures=0, locked_until=0).where(PinGate.name == gate).execute()


def gate_state(gate: str, now: float, lockout: Lockout) -> tuple[int, float]:
    """``(tries left, seconds locked)`` after a wrong PIN."""
    row = PinGate.get_or_none(PinGate.name == gate)
    if row is None:
        return lockout.tries, 0.0
    if now < row.locked_until:
        return 0, row.locked_until - now
    return lockout.tries - row.failures, 0.0
