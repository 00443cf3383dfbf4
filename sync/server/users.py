"""The back office's users: managed here, sent to every till through the feed. A PIN is
hashed here with the business's pepper (a file in the server's key folder, outside its
database) and never stored nor sent; each till receives the pepper once, over its
authenticated sync, to check the PINs typed on it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from storage import keys
from storage.ids import new_id
from sync.protocol import PROTOCOL_VERSION, SERVER_ORIGIN
from sync.server.errors import ServerError
from sync.server.models import FeedCounter, FeedEntry, ServerUser, database
from sync.server.store import lock_feed
from till.core.people import Role, checked_user_name
from till.core.pin import hash_and_tag
from till.core.words import N_


@dataclass(frozen=True)
class BackOfficeUser:
    name: str
    role: Role
    disabled: bool
    updated_at: str


def pepper(key_dir: Path) -> bytes:
    """The business's pepper, made on first use."""
    return keys.pin_pepper(key_dir, create=True)


def add_user(name: str, role: Role, pin: str, key_dir: Path) -> BackOfficeUser:
    name = _checked_name(name)
    secret = pepper(key_dir)
    pin_hash, tag = _hashed(pin, secret)
    with database.atomic():
        if ServerUser.get_or_none(ServerUser.name == name) is not None:
            raise ServerError(N_("A user named {name} exists already."), name=name)
        _refuse_taken_pin(tag, "")
        user = ServerUser.create(
            id=new_id(),
            name=name,
            role=role.value,
            pin_hash=pin_hash,
            pin_tag=tag,
            disabled=False,
            updated_at=_now(),
        )
        _to_the_feed(user)
    return _shown(user)


def disable(name: str) -> BackOfficeUser:
    with database.atomic():
        user = _named(name)
        user.disabled, user.updated_at = True, _now()
        user.save()
        _to_the_feed(user)
    return _shown(user)


def reset_pin(name: str, pin: str, key_dir: Path) -> BackOfficeUser:
    pin_hash, tag = _hashed(pin, pepper(key_dir))
    with database.atomic():
        user = _named(name)
        _refuse_taken_pin(tag, user.id)
        user.pin_hash, user.pin_tag, user.disabled, user.updated_at = pin_hash, tag, False, _now()
        user.save()
        _to_the_feed(user)
    return _shown(user)


def users() -> list[BackOfficeUser]:
    return [_shown(user) for user in ServerUser.select().order_by(ServerUser.name)]


def _to_the_feed(user: ServerUser) -> None:
    """One ``user`` ``upsert`` in the feed, numbered under its lock like every change."""
    seq = lock_feed() + 1
    payload = {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "pin_hash": user.pin_hash,
        "pin_tag": user.pin_tag,
        "disabled": bool(user.disabled),
        "at": user.updated_at,
        "v": PROTOCOL_VERSION,
    }
    FeedEntry.insert(
        seq=seq,
        till=SERVER_ORIGIN,
        till_seq=seq,
        entity="user",
        entity_id=user.id,
        operation="upsert",
        payload=json.dumps(payload, separators=(",", ":")),
        received_at=_now(),
    ).execute()
    FeedCounter.update(value=seq).where(FeedCounter.id == 1).execute()


def _named(name: str) -> ServerUser:
    user = ServerUser.get_or_none(ServerUser.name == name)
    if user is None:
        raise ServerError(N_("No user is named {name} (see `till server user list`)."), name=name)
    return user


def _refuse_taken_pin(tag: str, but: str) -> None:
    taken = ServerUser.select().where(
        (ServerUser.pin_tag == tag) & (ServerUser.disabled == False) & (ServerUser.id != but)  # noqa: E712
    )
    if taken.exists():
        raise ServerError("Another user has this PIN: choose another.")


def _checked_name(name: str) -> str:
    try:
        return checked_user_name(name)
    except ValueError as problem:
        raise ServerError(str(problem)) from None


def _hashed(pin: str, pepper: bytes) -> tuple[str, str]:
    try:
        return hash_and_tag(pin, pepper)
    except ValueError as problem:
        raise ServerError(str(problem)) from None


def _shown(user: ServerUser) -> BackOfficeUser:
    return BackOfficeUser(user.name, Role(user.role), bool(user.disabled), user.updated_at)


def _now() -> str:
    return datetime.now(UTC).isoformat()
