"""Users from the back office (``till server user add``), as the feed brings them: stored with
their hash and tag, made with the business's pepper; the till never sees a PIN."""

from __future__ import annotations

import logging
from typing import Any

from storage import events
from storage.users import SERVER
from till.core.people import MAX_NAME

log = logging.getLogger(__name__)

TILL_SUFFIX = " (till)"

_UPSERT = (
    "INSERT INTO till_user (id, name, role, pin_hash, pin_tag, disabled, created_at,"
    " updated_at, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
    " name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash,"
    " pin_tag = excluded.pin_tag, disabled = excluded.disabled,"
    " updated_at = excluded.updated_at"
)


def apply_user(entity: str, operation: str, user: dict[str, Any], cursor: Any) -> bool | None:
    """True: added or changed; False: this till had them so; None: not applied."""
    if operation != "upsert":
        return None
    found = cursor.execute(
        "SELECT name, role, pin_hash, pin_tag, disabled, origin FROM till_user WHERE id = ?",
        (user["id"],),
    ).fetchone()
    wanted = (
        user["name"],
        user["role"],
        user["pin_hash"],
        user["pin_tag"],
        int(user["disabled"]),
        SERVER,
    )
    if found is not None and tuple(found) == wanted:
        return False
    if found is not None and found[5] != SERVER:
        log.warning("user %s: the feed names a user of this till's own: not applied", user["id"])
        return None
    _make_room(user["name"], user["id"], cursor)
    cursor.execute(
        _UPSERT,
        (
            user["id"],
            user["name"],
            user["role"],
            user["pin_hash"],
            user["pin_tag"],
            int(user["disabled"]),
            user["at"],
            user["at"],
            SERVER,
        ),
    )
    return True


def _make_room(name: str, user_id: str, cursor: Any) -> None:
    """The back office's user takes their name: a user of this till with the same name is
    renamed ``NAME (till)``, kept as they were, and the renaming journaled."""
    clash = cursor.execute(
        "SELECT id, name FROM till_user WHERE name = ? COLLATE NOCASE AND id != ?",
        (name, user_id),
    ).fetchone()
    if clash is None:
        return
    renamed = f"{clash[1][: MAX_NAME - len(TILL_SUFFIX)]}{TILL_SUFFIX}"  # a name's bound
    cursor.execute("UPDATE till_user SET name = ? WHERE id = ?", (renamed, clash[0]))
    events.record_event(
        events.USER_CHANGE,
        "back office",
        {"user": clash[1], "change": "renamed", "to": renamed},
        cursor=cursor,
    )
