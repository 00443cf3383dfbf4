"""Who may do what: roles, permissions, and the person acting on a service call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from till.core.text import first_control
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
    Role.VIEWER: "read-only",
    Role.CASHIER: "cashier",
    Role.MANAGER: "manager",
    Role.ADMIN: "admin",
}


class Permission(StrEnum):
    LOOK_UP = "look up customers and sales"
    SELL = "sell"
    EDIT_CUSTOMERS = "add and edit customers"
    REFUND = "refund a sale"
    OVERRIDE_PRICE = "change a price"
    ADJUST_POINTS = "adjust points"
    EDIT_PRICE_FIELDS = "change a customer's prices, discount or credit"
    DELETE = "delete"
    MERGE_CUSTOMERS = "merge customers"
    IMPORT_CUSTOMERS = "import customers"
    ERASE_PERSONAL_DATA = "erase a customer's personal data"
    OPEN_DRAWER = "open the drawer without a sale"
    LEAVE_KIOSK = "leave the kiosk"
    CLOSE_PERIOD = "close the day, month or year"
    MANAGER_FUNCTIONS = "use the manager's functions (the palette, changes from the support view)"
    MANAGE_USERS = "add, disable and reset users"


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


def user_name_problem(name: str) -> str | None:
    """Why ``name`` (stripped) cannot name a user, or None."""
    if not name or len(name) > MAX_NAME or first_control(name) is not None:
        return f"A user's name is 1 to {MAX_NAME} characters, without control characters."
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


def who_may(permission: Permission) -> str:
    """``"a manager or an admin"``: the roles to ask, in plain words."""
    titles = [role.word for role in Role if may(role, permission)]
    articled = [f"an {t}" if t[0] in "aeiou" else f"a {t}" for t in titles]
    return " or ".join(articled)


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
            f"{actor.name} ({actor.role.word}) may not {permission.value}: "
            f"{who_may(permission)} may, or approve it with their PIN."
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
