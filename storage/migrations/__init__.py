"""Forward migrations, numbered. Each is a module ``mNNNN_name`` with ``up(database)``."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def available() -> list[tuple[int, ModuleType]]:
    """Every migration shipped, in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            found.append((int(info.name[1:5]), importlib.import_module(f"{__name__}.{info.name}")))
    return sorted(found, key=lambda pair: pair[0])
