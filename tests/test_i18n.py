"""The till's languages: the French catalog holds every message of the code, with the same
placeholders; it is read from the .po when no .mo was compiled; the language is a checked
setting; plurals and key names follow the language."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from textual.binding import Binding

from till import i18n
from till.config import settings_from_dict
from till.errors import ConfigError
from till.i18n import _, ngettext, plural, use_language

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "plural": (2, 3),
    "Binding": (3,),
    "NC_": ((1, "c"), 2),
    "Count": (2, 3),
}
"""What ``make messages`` extracts: pybabel's defaults and the Makefile's ``-k`` options."""
PLACEHOLDER = re.compile(r"\{([a-z_]*)[!:}]")

EXTRACTED = ("till", "storage", "devices", "sync")
"""The folders ``make messages`` extracts from."""

Key = tuple[str | None, str]
"""A message as the catalog finds it: (context, English singular)."""


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    use_language("en")


def extracted() -> dict[Key, tuple[str, ...]]:
    """Every message ``pybabel extract`` finds in till/, storage/, devices/ and sync/ (with
    babel.cfg's extractor: the CLI's help texts too): (context, id) → its English forms (one,
    or singular and plural)."""
    found: dict[Key, tuple[str, ...]] = {}
    for folder in EXTRACTED:
        for _file, _line, message, _comments, context in extract_from_dir(
            ROOT / folder, [("**.py", "till.help_extract:extract")], keywords=KEYWORDS
        ):
            forms = message if isinstance(message, tuple) else (message,)
            found[(context, forms[0])] = forms
    return found


def catalog_problems(messages: dict[Key, tuple[str, ...]], catalog: Catalog) -> list[str]:
    """What is wrong with ``catalog`` for ``messages``: a message missing, untranslated
    (an empty form) or fuzzy, or a translation whose placeholders differ from the English
    (``{amout}`` would raise KeyError on screen)."""
    problems = []
    for (context, msgid), forms in sorted(messages.items(), key=str):
        entry = catalog.get(msgid, context=context)
        if entry is None:
            problems.append(f"missing: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or entry.fuzzy:
            problems.append(f"untranslated: {msgid!r}")
            continue
        expected = {name for form in forms for name in PLACEHOLDER.findall(form)}
        if any({*PLACEHOLDER.findall(text)} - expected for text in strings) or (
            expected - {name for text in strings for name in PLACEHOLDER.findall(text)}
        ):
            problems.append(f"placeholders differ: {msgid!r} -> {strings!r}")
    return problems


def french_catalog() -> Catalog:
    with i18n.catalog_path("fr").open("rb") as file:
        return read_po(file)


def test_every_message_of_the_code_has_its_french():
    messages = extracted()
    assert len(messages) > 400  # the extraction itself works (screens, receipts, reports)
    assert catalog_problems(messages, french_catalog()) == []


def test_the_catalog_check_fails_on_a_missing_an_empty_or_a_wrong_translation():
    messages = extracted()
    catalog = french_catalog()
    catalog.delete("Pay")
    catalog.get("Cash").string = ""
    catalog.get("Still due: {amount}").string = "Reste à payer : {montant}"
    assert sorted(catalog_problems(messages, catalog)) == [
        "missing: 'Pay'",
        "placeholders differ: 'Still due: {amount}' -> ('Reste à payer : {montant}',)",
        "untranslated: 'Cash'",
    ]


def test_the_makefile_extracts_with_the_keywords_this_test_checks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-k plural:2,3 -k Binding:3 -k NC_:1c,2 -k Count:2,3" in makefile
    assert "pybabel -q compile -D till -d till/locale" in makefile  # at install, in $(STAMP)
    assert "-o till/locale/till.pot " + " ".join(EXTRACTED) + "\n" in makefile
    assert "till.help_extract:extract" in (ROOT / "babel.cfg").read_text(encoding="utf-8")
    assert "*.mo" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_every_footer_description_is_in_the_catalog():
    """Bindings built without a positional description escape extraction: check the classes."""
    from textual.dom import DOMNode

    import till.app  # noqa: F401  (loads every screen the register shows first)
    from till.screens import (  # noqa: F401
        account,
        address,
        closure,
        customer_form,
        customer_import,
        customer_search,
        customer_view,
        duplicates,
        kiosk,
        login,
        manager,
        merge,
        parked,
        payment,
        prompts,
        quick_add,
        receipt,
        returns,
        sale,
        segments,
    )

    catalog = french_catalog()
    seen, missing = 0, []

    def subclasses(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(DOMNode):
        if not cls.__module__.startswith("till."):
            continue
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.description:
                seen += 1
                if not catalog.get(binding.description):
                    missing.append(f"{cls.__name__}: {binding.description!r}")
    assert seen > 80 and missing == []


def test_french_is_read_from_the_po_when_no_mo_was_compiled(tmp_path, monkeypatch):
    """A checkout where `make` never ran: the .po alone gives the French."""
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(i18n.catalog_path("fr"), folder / "till.po")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        use_language("fr")
        assert _("Pay") == "Payer"
        assert not (folder / "till.mo").exists()  # compiled in memory, nothing written
    finally:
        i18n.translations.cache_clear()


def test_an_mo_older_than_its_po_is_not_used(tmp_path, monkeypatch):
    """A catalog just edited and not compiled again: the .po wins over the stale .mo."""
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    stale = french_catalog()
    stale.get("Pay").string = "Ancien"
    from babel.messages.mofile import write_mo

    with (folder / "till.mo").open("wb") as file:
        write_mo(file, stale)
    shutil.copy(i18n.catalog_path("fr"), folder / "till.po")
    old = (folder / "till.po").stat().st_mtime - 60
    os.utime(folder / "till.mo", (old, old))
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        use_language("fr")
        assert _("Pay") == "Payer"
    finally:
        i18n.translations.cache_clear()


def test_a_language_without_a_catalog_shows_english(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        use_language("fr")
        assert _("Pay") == "Pay"
        assert "No fr catalog" in caplog.text
    finally:
        i18n.translations.cache_clear()


def test_the_language_is_a_checked_setting():
    assert settings_from_dict({}).locale.language == "en"
    assert settings_from_dict({"locale": {"language": "fr"}}).locale.language == "fr"
    with pytest.raises(ConfigError, match=r"\[locale\] language: must be one of en, fr"):
        settings_from_dict({"locale": {"language": "de"}})
    with pytest.raises(ValueError):
        use_language("de")


def test_plurals_follow_the_language():
    assert [plural(n, "{n} item", "{n} items") for n in (0, 1, 2)] == [
        "0 items",
        "1 item",
        "2 items",
    ]
    use_language("fr")
    assert [plural(n, "{n} item", "{n} items") for n in (0, 1, 2)] == [
        "0 article",  # French: 0 and 1 are singular
        "1 article",
        "2 articles",
    ]
    assert ngettext("{n} scan", "{n} scans", 3).format(n=3) == "3 scans"


def test_key_names_in_sentences_follow_the_language():
    from till.keymap import key_name, key_names

    assert [key_name(k) for k in ("f10", "escape", "enter", "ctrl+t", "y")] == [
        "F10",
        "Esc",
        "Enter",
        "Ctrl+T",
        "y",
    ]
    assert key_names("pay") == ["F10", "Ctrl+T"]
    assert key_names("pay", {"pay": "f12"}) == ["F12"]
    use_language("fr")
    assert key_name("escape") == "Échap" and key_name("enter") == "Entrée"


def test_the_headless_packages_load_the_language_without_textual():
    """Receipts are translated in devices/, which must not load the UI toolkit."""
    code = (
        "import sys, devices.printer.receipt, devices.printer.report, till.i18n;"
        "sys.exit('textual' in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
