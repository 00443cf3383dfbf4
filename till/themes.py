"""The theme names ``[display] theme`` accepts, as plain data: the config checks them without
loading Textual (tests/test_keymap.py keeps the list equal to Textual's built-in themes)."""

AUTO = "auto"
"""The 16-colour ANSI theme on the Linux console, the default theme elsewhere."""

BUILTIN = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)
