"""Who may do what: roles, permissions, and the person acting on a service call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from till.core.text import first_control
from till.core.words import N_, OneOf, Word
from till.errors import TillError


class Role(StrEnum):
    VIEWER = "viewer"
    """Looks things up; changes nothing."""
    CASHIER = "cashier"
    MANAGER = "manager"
    ADMIN = "admin"
    """A manager who also manages the users."""

    @property
    def word(self) -> str:
        return ROLE_TITLES[self]


ROLE_TITLES = {
    Role.VIEWER: N_("read-only"),
    Role.CASHIER: N_("cashier"),
    Role.MANAGER: N_("manager"),
    Role.ADMIN: N_("admin"),
}
ROLES_TO_ASK = {
    Role.VIEWER: N_("a read-only user"),
    Role.CASHIER: N_("a cashier"),
    Role.MANAGER: N_("a manager"),
    Role.ADMIN: N_("an admin"),
}


class Permission(StrEnum):
    LOOK_UP = N_("look up customers and sales")
    SELL = N_("sell")
    EDIT_CUSTOMERS = N_("add and edit customers")
    REFUND = N_("refund a sale")
    OVERRIDE_PRICE = N_("change a price")
    ADJUST_POINTS = N_("adjust points")
    EDIT_PRICE_FIELDS = N_("change a customer's prices, discount or credit")
    DELETE = N_("delete")
    MERGE_CUSTOMERS = N_("merge customers")
    IMPORT_CUSTOMERS = N_("import customers")
    ERASE_PERSONAL_DATA = N_("erase a customer's personal data")
    OPEN_DRAWER = N_("open the drawer without a sale")
    LEAVE_KIOSK = N_("leave the kiosk")
    CLOSE_PERIOD = N_("close the day, month or year")
    MANAGER_FUNCTIONS = N_(
        "use the manager's functions (the palette, changes from the support view)"
    )
    MANAGE_USERS = N_("add, disable and reset users")
    RUN_CAMPAIGNS = N_("create and export campaigns")


_LOOKING = {Permission.LOOK_UP}
_SELLING = _LOOKING | {Permission.SELL, Permission.EDIT_CUSTOMERS}
_MANAGING = set(Permission) - {Permission.MANAGE_USERS}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: frozenset(_LOOKING),
    Role.CASHIER: frozenset(_SELLING),
    Role.MANAGER: frozenset(_MANAGING),
    Role.ADMIN: frozenset(Permission),
}


MAX_NAME = 40
NAME_RULE = N_("A user's name is 1 to {most} characters, without control characters.")
"""What a user's name must be; ``most`` is ``MAX_NAME``."""


def user_name_problem(name: str) -> str | None:
    """Why ``name`` (stripped) cannot name a user, or None."""
    if not name or len(name) > MAX_NAME or first_control(name) is not None:
        return NAME_RULE.format(most=MAX_NAME)
    return None


def checked_user_name(name: str) -> str:
    """``name`` stripped, or ValueError with the reason it cannot name a user."""
    name = name.strip()
    problem = user_name_problem(name)
    if problem:
        raise ValueError(problem)
    return name


def may(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


def who_may(permission: Permission) -> OneOf:
    """``a manager or an admin``: the roles to ask, worded where the sentence is."""
    return OneOf(ROLES_TO_ASK[role] for role in Role if may(role, permission))


@dataclass(frozen=True)
class Actor:
    """Who is acting: a user with a role, on a till (0: the back office or a shell)."""

    user_id: str
    name: str
    role: Role
    till_no: int = 0

    @property
    def label(self) -> str:
        """How the audit log and the journal name them: ``till 1 (Alice)``; off a till (a
        shell, the back office), the name alone."""
        return f"till {self.till_no} ({self.name})" if self.till_no else self.name


def shop_seller(name: str, till_no: int) -> Actor:
    """Who sells on a till without users: the configured ``[till] seller``, as a cashier."""
    return Actor("", name, Role.CASHIER, till_no)


def acting_as(label: str, role: Role = Role.CASHIER) -> Actor:
    """An actor known only by the label the audit log shows (``cli (bob)``, a test's name)."""
    return Actor(user_id="", name=label, role=role)


class Session:
    """Who is logged in on a till: every service of the till acts for ``user``, and a login
    or a switch of cashier changes it for them all at once."""

    def __init__(self, user: Actor) -> None:
        self.user = user

    @property
    def label(self) -> str:
        return self.user.label

    def may(self, permission: Permission) -> bool:
        return may(self.user.role, permission)

    def authorise(self, permission: Permission, approver: Actor | None = None) -> Actor:
        return authorise(self.user, permission, approver)

    def described(self, permission: Permission, approver: Actor | None = None) -> str:
        """The audit log's actor for a guarded change, once allowed (raises otherwise)."""
        return described(self.user, self.authorise(permission, approver))


def session_of(actor: str | Session) -> Session:
    """A service's session: the till's own, or one for an actor known only by label."""
    return actor if isinstance(actor, Session) else Session(acting_as(actor))


class NotPermitted(TillError):
    """A service refused: the acting user's role does not allow it and nobody who may
    approved it. The message says what, and who may."""

    def __init__(self, actor: Actor, permission: Permission) -> None:
        self.actor = actor
        self.permission = permission
        super().__init__(
            N_("{name} ({role}) may not {action}: {who} may, or approve it with their PIN."),
            name=actor.name,
            role=Word(actor.role.word),
            action=Word(permission.value),
            who=who_may(permission),
        )


def authorise(actor: Actor, permission: Permission, approver: Actor | None = None) -> Actor:
    """Who allows ``actor`` to do this: themselves if their role may, else ``approver``
    if theirs may. Raises :class:`NotPermitted` otherwise."""
    if may(actor.role, permission):
        return actor
    if approver is not None and may(approver.role, permission):
        return approver
    raise NotPermitted(actor, permission)


def described(actor: Actor, authorised_by: Actor) -> str:
    """The audit log's actor: ``Alice (till 1)``, or ``…, approved by Bob`` when another
    user allowed it."""
    if authorised_by == actor:
        return actor.label
    return f"{actor.label}, approved by {authorised_by.name}"
