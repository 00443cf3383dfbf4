"""Users, logins and approvals: who is at the till, and who allowed what.

A PIN names its user (PINs are unique among active users), so logging in and approving are
one field. Every PIN typed on this database, at the register or in a shell, goes through one
gate counted in the database (storage/users.py). A shop without users keeps working as before:
the configured seller sells, and the ``[security] manager_pin`` approves as "manager (PIN)"."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from storage import events, keys, users
from storage.models import database
from storage.users import User, UserError
from till.config import Settings
from till.core.people import (
    MAX_NAME,
    NAME_RULE,
    Actor,
    NotPermitted,
    Permission,
    Role,
    Session,
    checked_user_name,
    may,
    shop_seller,
)
from till.core.pin import (
    LOCKED_OUT,
    MANAGER_APPROVER,
    MAX_LENGTH,
    MIN_LENGTH,
    NO_MANAGER_PIN,
    PIN_RULE,
    Lockout,
    hash_and_tag,
    pin_problem,
    pin_tag,
    verify_pin,
    verify_user_pin,
    wrong_pin,
)
from till.errors import TillError
from till.i18n import N_

T = TypeVar("T")
GATE = "pin"
LOCKOUT = Lockout()
LEGACY_MANAGER = Actor(user_id="manager-pin", name=MANAGER_APPROVER, role=Role.MANAGER)
"""Who approves with the shop's one ``[security] manager_pin``, while it has no users."""


class PinRefused(TillError):
    """A PIN that names nobody, or a gate locked after too many wrong ones."""


def _direct(operation: Callable[..., T], *args: Any) -> T:
    return operation(*args)


class PeopleService:
    def __init__(
        self,
        settings: Settings,
        session: Session | None = None,
        write: Callable[..., Any] = _direct,
        lockout: Lockout = LOCKOUT,
    ) -> None:
        self.settings = settings
        self.session = session or Session(shop_seller(settings.till.seller, settings.till.number))
        """Who is logged in (a shell or a test: the configured seller)."""
        self._write = write
        """Runs a storage write: the register's writer thread, or directly in a shell."""
        self.lockout = lockout
        self.clock: Callable[[], float] = time.time

    @property
    def needs_login(self) -> bool:
        """Whether the till has users, so that someone must log in before selling."""
        return users.has_active_users()

    @property
    def can_approve(self) -> bool:
        """Whether any PIN could approve: a user, or the shop's one manager PIN."""
        return bool(self.settings.security.manager_pin) or users.has_active_users()

    def identify(self, pin: str) -> Actor:
        """The user this PIN belongs to, on this till. Each attempt is counted before the PIN
        is checked, so no number of processes guessing at once gets more than the tries."""
        if not self.can_approve:
            raise PinRefused(NO_MANAGER_PIN)
        now = self.clock()
        wait = self._write(users.reserve_try, GATE, now, self.lockout)
        if wait:
            raise PinRefused(LOCKED_OUT, seconds=int(wait) + 1)
        actor = self._match(pin)
        if actor is None:
            left, locked_for = users.gate_state(GATE, now, self.lockout)
            message, values = wrong_pin(left, locked_for)
            raise PinRefused(message, **values)
        self._write(users.clear_tries, GATE)
        return actor

    def _match(self, pin: str) -> Actor | None:
        if pin_problem(pin) is None and users.has_active_users():
            for origin, pepper in self._peppers():
                user = users.user_with_tag(pin_tag(pin, pepper), origin)
                if user is not None and verify_user_pin(pin, pepper, user.pin_hash):
                    return Actor(user.id, user.name, user.role, self.settings.till.number)
        legacy = self.settings.security.manager_pin
        if legacy and verify_pin(pin, legacy):
            return LEGACY_MANAGER
        return None

    def _peppers(self) -> list[tuple[str, bytes]]:
        """This till's pepper (for its own users) and the business's (for the back office's
        users), each that exists."""
        found = []
        if (self.settings.key_dir / keys.PEPPER).exists() or not users.has_server_users():
            found.append((users.LOCAL, keys.pin_pepper(self.settings.key_dir)))
        business = keys.business_pepper(self.settings.key_dir)
        if business is not None:
            found.append((users.SERVER, business))
        return found

    def log_in(self, pin: str) -> Actor:
        """Log in whoever the PIN names: every service acts for them from now on."""
        actor = self.identify(pin)
        if actor is LEGACY_MANAGER:
            raise PinRefused(N_("That is the shop's manager PIN: log in with your own PIN."))
        self.session.user = actor
        return actor

    def approve(self, pin: str, permission: Permission) -> Actor:
        """The user whose PIN allows ``permission`` for the one logged in: a manager on the
        cashier's session. Raises PinRefused, or NotPermitted for a user who may not."""
        approver = self.identify(pin)
        if not may(approver.role, permission):
            raise NotPermitted(approver, permission)
        return approver

    # --- managing users --------------------------------------------------------------

    def users(self) -> list[User]:
        return users.users()

    def add_user(self, name: str, role: Role, pin: str, by: Actor | None = None) -> User:
        actor = self._may_manage_users(by)
        name = checked_name(name)
        pepper = keys.pin_pepper(self.settings.key_dir, create=True)
        pin_hash, tag = _hashed(pin, pepper)
        return self._write(
            self._journaled,
            users.add_user,
            (name, role, pin_hash, tag),
            actor,
            events.USER_CHANGE,
            {"user": name, "change": "added", "role": role.value},
        )

    def disable(self, name: str, by: Actor | None = None) -> User:
        actor = self._may_manage_users(by)
        return self._write(
            self._journaled,
            users.disable,
            (name,),
            actor,
            events.USER_CHANGE,
            {"user": name, "change": "disabled"},
        )

    def reset_pin(self, name: str, pin: str, by: Actor | None = None) -> User:
        actor = self._may_manage_users(by)
        pin_hash, tag = _hashed(pin, keys.pin_pepper(self.settings.key_dir, create=True))
        return self._write(
            self._journaled,
            users.set_pin,
            (name, pin_hash, tag),
            actor,
            events.PIN_CHANGE,
            {"user": name},
        )

    def _journaled(
        self,
        change: Callable[..., User],
        args: tuple[Any, ...],
        actor: Actor,
        kind: str,
        details: dict[str, Any],
    ) -> User:
        """The change and its entry in the event log, in one transaction."""
        with database.atomic():
            user = change(*args)
            events.record_event(kind, actor.label, details, till_no=self.settings.till.number)
        return user

    def needs_admin(self) -> bool:
        """Whether changing users takes an admin's PIN: once the till has an active admin.
        Before that, whoever can run ``till user`` on the machine sets the first ones up."""
        return users.has_active(Role.ADMIN)

    def _may_manage_users(self, by: Actor | None) -> Actor:
        """Who changes the users: ``by`` (an admin's PIN) or the session's user. Anyone who
        can run ``till user`` may, until the till has an admin."""
        actor = by or self.session.user
        if self.needs_admin() and not may(actor.role, Permission.MANAGE_USERS):
            raise NotPermitted(actor, Permission.MANAGE_USERS)
        return actor


def checked_name(name: str) -> str:
    try:
        return checked_user_name(name)
    except ValueError:
        raise UserError(NAME_RULE, most=MAX_NAME) from None


def _hashed(pin: str, pepper: bytes) -> tuple[str, str]:
    try:
        return hash_and_tag(pin, pepper)
    except ValueError:  # the PIN itself: hash_and_tag refuses nothing else
        raise UserError(PIN_RULE, least=MIN_LENGTH, most=MAX_LENGTH) from None
