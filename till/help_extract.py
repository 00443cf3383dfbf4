"""The catalog's extractor for the till's Python files (``babel.cfg``): babel's own, plus the
help texts of the click commands, which are message ids without a marker (``till.cli_help``
translates them): the docstring of a function decorated ``….command(…)`` or ``….group(…)``,
and a literal ``help=``, ``short_help=`` or ``epilog=`` of a ``….command``, ``….group``,
``….option`` or ``….argument`` call. Run by ``pybabel extract``, never by the till."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python

CLICK_CALLS = frozenset({"command", "group", "option", "argument"})
HELP_KEYWORDS = frozenset({"help", "short_help", "epilog"})


def extract(
    fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Collection[str], options: Any
) -> Iterator[tuple[Any, ...]]:
    """What ``extract_python`` finds in the file, then its commands' help texts."""
    source = fileobj.read()
    fileobj.seek(0)
    yield from extract_python(fileobj, keywords, comment_tags, options)
    yield from help_texts(source.decode(options.get("encoding", "utf-8")))


def help_texts(source: str) -> Iterator[tuple[int, None, str, list[str]]]:
    """(line, None, text, []) for each help text of a click command in ``source``."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(
                _click_call(decorator, {"command", "group"}) for decorator in node.decorator_list
            ):
                docstring = ast.get_docstring(node, clean=True)
                if docstring:
                    yield node.lineno, None, docstring, []
        elif isinstance(node, ast.Call) and _click_call(node, CLICK_CALLS):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg in HELP_KEYWORDS
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                    and value.value
                ):
                    yield value.lineno, None, inspect.cleandoc(value.value), []


def _click_call(node: ast.expr, names: Collection[str]) -> bool:
    if not isinstance(node, ast.Call):
        return False
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr in names
    return isinstance(function, ast.Name) and function.id in names
