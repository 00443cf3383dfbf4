"""till/keymap.py and till/themes.py are plain copies of what the screens and Textual declare,
so the config can check a ``[keymap]`` and a theme without loading Textual: they must not
drift from the originals."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import replace

from textual.binding import Binding
from textual.keys import Keys
from textual.theme import BUILTIN_THEMES

import till.app
import till.screens
from till import keymap, themes
from till.app import make_app
from till.screens.sale import SaleScreen


def declared_bindings() -> dict[str, dict[str, str]]:
    """Class name → binding id → keys, from every ``BINDINGS`` of the app and its screens."""
    modules = [till.app] + [
        importlib.import_module(f"till.screens.{info.name}")
        for info in pkgutil.iter_modules(till.screens.__path__)
    ]
    found: dict[str, dict[str, str]] = {}
    for module in modules:
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            own = [b for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
            ids = {b.id: b.key for b in own if b.id is not None}
            if ids:
                found[name] = ids
    return found


def test_the_plain_list_matches_every_screens_bindings():
    declared = declared_bindings()
    assert declared, "no screen found: the walk over till.screens is broken"
    assert declared == keymap.SCREENS, (
        "till/keymap.py SCREENS differs from the screens' BINDINGS: copy the change there"
    )


def test_every_declared_key_is_a_valid_key_name():
    for bindings in declared_bindings().values():
        for keys in bindings.values():
            assert all(keymap.valid_key(key) for key in keymap.split_keys(keys)), keys


def test_textual_function_and_control_keys_are_valid_key_names():
    names = [k.value for k in Keys if k.value.split("+")[-1] in ("f1", "f12", "f24", "t", "9")]
    assert names and all(keymap.valid_key(name) for name in names), names


def test_key_names_no_terminal_sends_are_not():
    for key in ("f99", "f0", "f25", "foo", "ctrl+", "", "F10", "ctrl+ t", "alt+x", "f10,"):
        assert not keymap.valid_key(key), key


def test_the_default_keys_clash_nowhere():
    """Each screen's defaults, remapped to themselves, are accepted: the clash rule only sees
    keys a remap takes."""
    every = {bid: keys for bindings in keymap.SCREENS.values() for bid, keys in bindings.items()}
    assert keymap.keymap_problems(every) == []


def test_the_theme_names_are_textuals():
    assert set(themes.BUILTIN) == set(BUILTIN_THEMES)


async def test_a_remap_the_config_accepts_is_the_one_textual_applies(settings):
    app = make_app(replace(settings, keymap={"void": "f11", "pay": "f12,ctrl+t"}))
    async with app.run_test() as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SaleScreen)
        actions = {key: b.binding.action for key, b in app.screen.active_bindings.items()}
        assert actions.get("f11") == "void" and actions.get("f12") == "pay"
        assert actions.get("f10") is None


def test_the_printer_profiles_the_config_accepts_are_python_escpos_own():
    from escpos.capabilities import CAPABILITIES

    from till.config import _escpos_profiles

    assert _escpos_profiles() == set(CAPABILITIES["profiles"])


def test_every_screen_has_a_name_for_a_clash_to_say():
    assert set(keymap.SCREEN_NAMES) == set(keymap.SCREENS)
