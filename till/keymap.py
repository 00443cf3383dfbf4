"""The register's remappable keys as plain data, so the config can check a ``[keymap]`` table
without loading Textual: the binding ids of each screen with their default keys, the key names
a terminal sends, and the rule that a remap never takes a key another binding still holds.

tests/test_keymap.py keeps ``SCREENS`` equal to the screens' ``BINDINGS``: a binding added,
renamed or moved there must be written here too.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping

from till.core.words import N_, Word
from till.errors import Reason

APP = "TillApp"

SCREENS: dict[str, dict[str, str]] = {
    APP: {"close": "ctrl+q", "palette": "ctrl+backslash"},
    "SaleScreen": {
        "pay": "f10,ctrl+t",
        "customer": "f2,ctrl+f",
        "quick_add": "f3,ctrl+n",
        "park": "f5,ctrl+b",
        "quantity": "f4,ctrl+o",
        "void": "f8,ctrl+r",
        "cancel": "f9,ctrl+g",
        "receipt": "f7,ctrl+l",
        "return": "f6,ctrl+p",
        "demo_scan": "f12,ctrl+y",
        "switch_user": "f11,ctrl+s",
        "close_day": "f1,ctrl+z",
        "coupon": "ctrl+k",
        "line_up": "up",
        "line_down": "down",
        "clear_entry": "escape",
    },
    "PaymentScreen": {
        "payment.cash": "f2,ctrl+l",
        "payment.card": "f3,ctrl+b",
        "payment.points": "f4,ctrl+o",
        "payment.account": "f5,ctrl+p",
        "payment.points_discount": "f6,ctrl+r",
        "payment.back": "escape",
    },
    "CustomerSearchScreen": {
        "customers.attach": "enter",
        "customers.new": "f3,ctrl+n",
        "customers.view": "f4,ctrl+o",
        "customers.status": "f5,ctrl+b",
        "customers.kind": "f6,ctrl+t",
        "customers.segment": "f7,ctrl+r",
        "customers.walk_in": "f9,ctrl+g",
        "customers.tools": "f8,ctrl+f",
        "customers.back": "escape",
        "customers.up": "up",
        "customers.down": "down",
        "customers.page_up": "pageup",
        "customers.page_down": "pagedown",
    },
    "CustomerViewScreen": {
        # One key per tab position: the tab shown decides which of them applies.
        "customer.attach": "f2,ctrl+t",
        "customer.edit": "f4,ctrl+o",
        "customer.active": "f8,ctrl+r",
        "customer.delete": "f9,ctrl+g",
        "customer.receipt": "f7,ctrl+l",
        "customer.older_history": "f5,ctrl+b",
        "customer.invoice": "f6,ctrl+p",
        "customer.add_address": "f3,ctrl+n",
        "customer.edit_address": "f5,ctrl+b",
        "customer.remove_address": "f6,ctrl+p",
        "customer.issue_card": "f3,ctrl+n",
        "customer.adjust_points": "f5,ctrl+b",
        "customer.print_slip": "f6,ctrl+p",
        "customer.deposit": "f3,ctrl+n",
        "customer.back": "escape",
    },
    "CustomerFormScreen": {"form.save": "f10,ctrl+t", "form.cancel": "escape"},
    "QuickAddScreen": {
        "quick_add.save": "f10,ctrl+t",
        "quick_add.use_match": "f2,ctrl+y",
        "quick_add.cancel": "escape",
    },
    "AddressScreen": {"address.save": "f10,ctrl+t", "address.cancel": "escape"},
    "DepositScreen": {
        "deposit.cash": "f2,ctrl+l",
        "deposit.card": "f3,ctrl+b",
        "deposit.cancel": "escape",
    },
    "AdjustPointsScreen": {"adjust.save": "f10,ctrl+t", "adjust.cancel": "escape"},
    "ManagerPinScreen": {"manager.cancel": "escape"},
    "LoginScreen": {"login.clear": "escape"},
    "ParkNameScreen": {"park.cancel": "escape"},
    "ParkedScreen": {
        "parked.resume": "enter",
        "parked.discard": "f8,ctrl+r",
        "parked.back": "escape",
    },
    "ConfirmScreen": {"confirm.yes": "y", "confirm.no": "n,escape,enter"},
    "QuantityScreen": {"quantity.cancel": "escape"},
    "ReceiptScreen": {
        "receipt.back": "escape,f7,ctrl+l",
        "receipt.reprint": "f6,ctrl+p",
        "receipt.drawer": "f5,ctrl+o",
        "receipt.dismiss": "f4,ctrl+g",
        "receipt.unconfirmed": "f3,ctrl+n",
        "receipt.invoice": "f8,ctrl+r",
    },
    "ReturnScreen": {
        "return.all": "f6,ctrl+r",
        "return.quantity": "f4,ctrl+o",
        "return.cash": "f2,ctrl+l",
        "return.card": "f3,ctrl+b",
        "return.credit_note": "f5,ctrl+n",
        "return.back": "escape",
    },
    "DuplicatesScreen": {
        "duplicates.merge": "f10,enter,ctrl+t",
        "duplicates.import": "f3,ctrl+n",
        "duplicates.refresh": "f5,ctrl+b",
        "duplicates.back": "escape",
        "duplicates.up": "up",
        "duplicates.down": "down",
        "duplicates.page_up": "pageup",
        "duplicates.page_down": "pagedown",
    },
    "MergeScreen": {
        "merge.save": "f10,ctrl+t",
        "merge.swap": "f2,ctrl+y",
        "merge.cancel": "escape",
    },
    "CustomerImportScreen": {
        "import.start": "f10,ctrl+t",
        "import.check": "f6,ctrl+p",
        "import.back": "escape",
    },
    "SegmentsScreen": {
        "segments.save": "f10,ctrl+t",
        "segments.saved": "f5,ctrl+b",
        "segments.back": "escape",
    },
    "KioskScreen": {"kiosk.print": "f6,ctrl+p", "kiosk.done": "escape"},
    "ClosureScreen": {"closure.close": "f10,ctrl+t", "closure.back": "escape"},
    "StatusScreen": {"status.refresh": "f5,ctrl+b", "status.back": "escape"},
    "SupportScreen": {
        "support.customers": "f2,ctrl+f",
        "support.receipt": "f7,ctrl+l",
        "support.x_report": "f1,ctrl+z",
        "support.refresh": "f5,ctrl+b",
        "support.login": "f11,ctrl+s",
    },
}
"""Screen class → binding id → its default keys, as in the screen's ``BINDINGS``."""

DEFAULT_KEYS = {
    binding_id: keys for bindings in SCREENS.values() for binding_id, keys in bindings.items()
}
"""Binding id → its default keys (an id names one action, on one screen)."""

RESERVED = {
    "ctrl+c": N_("closing the register"),
    "tab": N_("moving to the next field"),
    "shift+tab": N_("moving to the previous field"),
}
"""Keys every screen already uses for something no binding id can take over."""

YIELDING = frozenset({"demo_scan"})
"""Bindings that give their keys up to a remap: the demo's simulated scan is off on a real
register, so ``pay = "f12"`` may take F12 from it."""

SYMBOLS = {"backslash": "\\"}
"""Keys Textual names by the symbol they type: written as the symbol, in every language."""

NAMED_KEYS = frozenset(
    {
        *("escape", "enter", "tab", "space", "backspace", "delete", "insert"),
        *("home", "end", "pageup", "pagedown", "up", "down", "left", "right"),
        *SYMBOLS,
    }
)
_KEY = re.compile(r"(?:ctrl\+)?(?:shift\+)?(?:f(?:[1-9]|1[0-9]|2[0-4])|[a-z0-9]|(?P<name>[a-z]+))")


KEY_WORDS = {
    "escape": "Esc",
    "enter": "Enter",
    "pageup": "PageUp",
    "pagedown": "PageDown",
    "up": "Up",
    "down": "Down",
    "space": "Space",
    "backspace": "Backspace",
    "delete": "Del",
}
"""How a sentence names a key Textual calls by a lower-case name (message ids: a screen shows
them through ``till.i18n._``, ``Entrée`` in French)."""


def key_name(key: str) -> str:
    """A key as a sentence names it, in English: ``F10``, ``Esc``, ``Ctrl+T``, ``y``."""
    from till.i18n import _

    *modifiers, last = key.split("+")
    if last in KEY_WORDS:
        word = _(KEY_WORDS[last])
    elif last in SYMBOLS:
        word = SYMBOLS[last]
    elif (last.startswith("f") and last[1:].isdigit()) or (len(last) == 1 and modifiers):
        word = last.upper()
    else:
        word = last
    return "+".join([*(modifier.capitalize() for modifier in modifiers), word])


def key_names(binding_id: str, keymap: Mapping[str, str] | None = None) -> list[str]:
    """Every key of ``binding_id``, ``keymap`` (the config's ``[keymap]``) over the defaults, as
    a sentence names them: what to write instead of a hard-coded "F10"."""
    keys = (keymap or {}).get(binding_id) or DEFAULT_KEYS[binding_id]
    return [key_name(key) for key in split_keys(keys)]


def binding_ids() -> set[str]:
    return {binding_id for bindings in SCREENS.values() for binding_id in bindings}


def valid_key(key: str) -> bool:
    """Whether ``key`` is a key name the terminal sends, as Textual writes it: ``f12``,
    ``ctrl+t``, ``shift+f3``, ``pageup``, ``y``."""
    match = _KEY.fullmatch(key)
    return match is not None and (match["name"] is None or match["name"] in NAMED_KEYS)


def split_keys(keys: str) -> list[str]:
    return [key.strip() for key in keys.split(",")]


def keymap_problems(keymap: Mapping[str, object]) -> list[tuple[str, Reason]]:
    """``(binding id, what is wrong)``, the reason worded where shown, for each entry of a
    ``[keymap]`` table the register cannot honour: an unknown id, a key no terminal sends, or
    a key another binding of the same screen still holds (a remap never silently takes a key
    away)."""
    problems: list[tuple[str, Reason]] = []
    known = binding_ids()
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            suggestion = _suggest(binding_id, known)
            problems.append(
                (binding_id, Reason(N_("unknown binding id ({suggestion})"), suggestion=suggestion))
            )
        elif not isinstance(keys, str) or not keys.strip():
            problems.append((binding_id, Reason(N_('must be keys in quotes such as "f12,ctrl+t"'))))
        else:
            bad = [key for key in split_keys(keys) if not valid_key(key)]
            if bad:
                not_a_key = N_("{key!r} is not a key name (try f1-f24, ctrl+t, pageup)")
                problems.append((binding_id, Reason(not_a_key, key=bad[0])))
    if problems:
        return problems
    return _clashes({binding_id: str(keys) for binding_id, keys in keymap.items()})


def _clashes(keymap: Mapping[str, str]) -> list[tuple[str, Reason]]:
    problems: list[tuple[str, Reason]] = []
    for binding_id, keys in keymap.items():
        for key in split_keys(keys):
            if key in RESERVED:
                kept = Reason(N_("{key} is kept for {use}"), key=key, use=Word(RESERVED[key]))
                problems.append((binding_id, kept))
                continue
            for screen, bindings in SCREENS.items():
                if binding_id not in bindings and binding_id not in SCREENS[APP]:
                    continue
                holder = _holder(key, binding_id, screen, keymap)
                if holder is not None:
                    taken = N_(
                        "{key} is already the key of {holder} on {screen} (give {holder} another"
                        " key in [keymap] first)"
                    )
                    where = Word(SCREEN_NAMES.get(screen, screen))
                    problems.append(
                        (binding_id, Reason(taken, key=key, holder=holder, screen=where))
                    )
                    break
    return problems


def _holder(key: str, binding_id: str, screen: str, keymap: Mapping[str, str]) -> str | None:
    """Another binding that would still answer ``key`` on ``screen`` after the remap, unless
    the two shared that key by design (the customer file's tabs)."""
    others = SCREENS[screen] if binding_id in SCREENS[APP] else {**SCREENS[APP], **SCREENS[screen]}
    default_keys = split_keys(SCREENS[screen].get(binding_id) or SCREENS[APP].get(binding_id, ""))
    for other, default in others.items():
        if other == binding_id or other in YIELDING:
            continue
        other_keys = split_keys(keymap.get(other, default))
        if key in other_keys and not (key in default_keys and key in split_keys(default)):
            return other
    return None


SUGGESTIONS = (
    N_("did you mean {first}?"),
    N_("did you mean {first} or {second}?"),
    N_("did you mean {first} or {second} or {third}?"),
)
"""The closest binding ids, one to three of them."""


def _suggest(binding_id: str, known: set[str]) -> Reason:
    close = difflib.get_close_matches(binding_id, sorted(known), n=3)
    if close:
        names = dict(zip(("first", "second", "third"), close, strict=False))
        return Reason(SUGGESTIONS[len(close) - 1], **names)
    return Reason(N_("the sale screen's are {ids}"), ids=", ".join(SCREENS["SaleScreen"]))


SCREEN_NAMES = {
    APP: N_("every screen"),
    "SaleScreen": N_("the sale screen"),
    "PaymentScreen": N_("the payment screen"),
    "CustomerSearchScreen": N_("the customer search screen"),
    "CustomerViewScreen": N_("the customer view screen"),
    "CustomerFormScreen": N_("the customer form screen"),
    "QuickAddScreen": N_("the quick add screen"),
    "AddressScreen": N_("the address screen"),
    "DepositScreen": N_("the deposit screen"),
    "AdjustPointsScreen": N_("the adjust points screen"),
    "ManagerPinScreen": N_("the manager PIN screen"),
    "LoginScreen": N_("the login screen"),
    "ParkNameScreen": N_("the park name screen"),
    "ParkedScreen": N_("the parked screen"),
    "ConfirmScreen": N_("the confirm screen"),
    "QuantityScreen": N_("the quantity screen"),
    "ReceiptScreen": N_("the receipt screen"),
    "ReturnScreen": N_("the return screen"),
    "DuplicatesScreen": N_("the duplicates screen"),
    "MergeScreen": N_("the merge screen"),
    "CustomerImportScreen": N_("the customer import screen"),
    "SegmentsScreen": N_("the segments screen"),
    "KioskScreen": N_("the kiosk screen"),
    "ClosureScreen": N_("the closure screen"),
    "StatusScreen": N_("the status screen"),
    "SupportScreen": N_("the support screen"),
}
"""How a clash names the screen where a key is taken (tests/test_keymap.py: one per screen)."""
