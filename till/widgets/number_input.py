"""A field for a whole number that says so when a key is refused, instead of only beeping."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import Input


class NumberInput(Input):
    """Whole numbers only (with a leading minus if ``signed``); a refused key posts
    :class:`NumberInput.Refused`, so the screen can say why and keep the focus here."""

    @dataclass
    class Refused(Message):
        """A key that is not part of a whole number was typed into ``field``."""

        field: NumberInput

        @property
        def control(self) -> NumberInput:
            return self.field

    def __init__(self, *, signed: bool = False, **kwargs) -> None:
        super().__init__(restrict=r"-?[0-9]*" if signed else r"[0-9]*", **kwargs)
        self.signed = signed

    def restricted(self) -> None:
        self.app.bell()
        self.post_message(self.Refused(self))

    @property
    def number(self) -> int | None:
        """The whole number typed, or None while there is none (empty, or a lone minus)."""
        try:
            return int(self.value)
        except ValueError:
            return None
