"""JSON text written the way ``json.dumps`` writes it, with the encoder built once rather than
for each call: an import hashes and queues hundreds of thousands of rows, and building the
encoder costs as much as encoding a short row."""

from __future__ import annotations

import json
from collections.abc import Callable
from json.encoder import (  # type: ignore[attr-defined]
    c_make_encoder,
    encode_basestring,
    encode_basestring_ascii,
)
from typing import Any


def dumps_with(
    *, sort_keys: bool = False, ensure_ascii: bool = True, compact: bool = False
) -> Callable[[Any], str]:
    """``json.dumps`` with these settings (``compact``: ``separators=(",", ":")``), as a
    function that gives the same text. It skips the check for circular references: what it
    writes is plain data read from rows and forms, never a structure holding itself."""
    separators = (",", ":") if compact else (", ", ": ")
    settings = json.JSONEncoder(
        sort_keys=sort_keys, ensure_ascii=ensure_ascii, separators=separators
    )
    if c_make_encoder is None:  # no C accelerator: the encoder as dumps uses it
        return settings.encode
    quote = encode_basestring_ascii if ensure_ascii else encode_basestring
    one_shot = c_make_encoder(
        None, settings.default, quote, None, separators[1], separators[0], sort_keys, False, True
    )

    def dumps(value: Any) -> str:
        return "".join(one_shot(value, 0))

    return dumps
