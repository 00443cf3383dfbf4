"""Query results as plain tuples, typed as what they are.

Peewee's bundled stubs declare ``.tuples()`` as returning the query itself, so a type checker
believes each row is a model instance; the one correction lives here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from peewee import BaseQuery


def tuples(query: BaseQuery) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query``, each a tuple of the selected columns in order."""
    # The stubs type this as Iterator[Model]; at run time Peewee yields tuples.
    return cast("Iterator[tuple[Any, ...]]", iter(query.tuples()))
