"""Forward migrations, numbered. Each is a module ``mNNNN_name`` with ``up(database)``."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def numbered() -> list[tuple[int, str]]:
    """Every migration shipped, in order, by number and module name, none of them loaded: a
    database already up to date loads none at start."""
    return sorted(
        (int(info.name[1:5]), info.name)
        for info in pkgutil.iter_modules(__path__)
        if info.name.startswith("m") and info.name[1:5].isdigit()
    )


def load(name: str) -> ModuleType:
    return importlib.import_module(f"{__name__}.{name}")


def available() -> list[tuple[int, ModuleType]]:
    """Every migration shipped, in order, loaded."""
    return [(number, load(name)) for number, name in numbered()]
