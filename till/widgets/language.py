"""The till's language on screen: footer descriptions translated when a screen is built, and
key hints in sentences taken from the active keymap.

A screen's ``BINDINGS`` keep their English descriptions (the message ids, which
``pybabel extract`` reads as ``Binding``'s third argument); Textual gives each screen its own
copy of them when it is built, and ``TranslatedBindings`` translates that copy, so the keymap
(applied later, by binding id) and tests/test_keymap.py see the same bindings as before.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from till.i18n import N_, _, pgettext
from till.keymap import key_name, key_names

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

__all__ = ["TranslatedBindings", "key_hint", "key_hints", "key_name", "translate_bindings"]

# The key words of till.keymap.KEY_WORDS, for the catalog (they are shown translated).
_KEY_WORDS = (N_("Esc"), N_("Enter"), N_("PageUp"), N_("PageDown"), N_("Up"), N_("Down"))
_MORE_KEY_WORDS = (N_("Space"), N_("Backspace"), N_("Del"))


def translate_bindings(node: DOMNode) -> None:
    """Put ``node``'s own bindings' descriptions and tooltips in the till's language: the
    words of its ``FOOTER_CONTEXT`` where the catalog has them (a crowded footer's shorter
    words), else the common ones."""
    context = getattr(node, "FOOTER_CONTEXT", "")

    def translated(text: str) -> str:
        if not text:
            return ""
        if context:
            special = pgettext(context, text)
            if special != text:
                return special
        return _(text)

    key_to_bindings = node._bindings.key_to_bindings
    for key, bindings in key_to_bindings.items():
        key_to_bindings[key] = [
            replace(
                binding,
                description=translated(binding.description),
                tooltip=translated(binding.tooltip),
            )
            for binding in bindings
        ]


class TranslatedBindings:
    """Mixed into a screen (before Textual's class): its footer speaks the till's language.
    ``FOOTER_CONTEXT``: the catalog context of the shorter words its footer needs."""

    FOOTER_CONTEXT = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(cast("DOMNode", self))


def key_hint(app: App[Any] | None, binding_id: str) -> str:
    """The first key of ``binding_id`` in the app's keymap, as a sentence names it."""
    return key_hints(app, binding_id)[0]


def key_hints(app: App[Any] | None, binding_id: str) -> list[str]:
    """Every key of ``binding_id`` in the app's keymap (``[keymap]`` over the defaults)."""
    keymap = getattr(app, "_keymap", None) if app is not None else None
    return key_names(binding_id, keymap)
