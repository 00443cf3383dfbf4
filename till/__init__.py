"""till: a keyboard-driven point-of-sale register for the terminal."""

__version__ = "0.1.0"
