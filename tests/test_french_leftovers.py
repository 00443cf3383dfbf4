"""What a French till still said in English (issue 14): the scanner configuration's reasons and
the doctor's scanner lines, a closure's kind word, "and N more" in lists, the role and state
words of `till user list`, a line's promotion or discount, the printer's test page. Each is a
message id with its values (or a code kept with the sale), worded where it is shown.

The French is the catalog's, over the words this change adds to it (``WORDS``, merged into
till/locale/fr/LC_MESSAGES/till.po by ``make messages``), so these tests do not wait for the
merge and keep passing after it."""

from __future__ import annotations

import gettext
import pickle
from collections.abc import Iterator
from dataclasses import replace

import pytest

from devices.printer.test_page import build_test_page
from devices.scanner.diagnosis import scanner_diagnosis
from devices.scanner.matching import BadMatch, parse_match
from devices.scanner.replay import ReplayDevice, ReplaySource
from till import i18n
from till.config import ScannerDevice, ScannerSettings, Settings
from till.core.closures import ClosureKind
from till.core.line_notes import (
    discount_note,
    parse_note,
    price_list_note,
    price_set_by_note,
    segment_note,
    with_points,
)
from till.core.words import Listing, Phrase
from till.i18n import use_language
from till.price_words import note_words

WORDS: dict[str, str | list[str]] = {
    "Month": "Mois",
    "Month {number}": "Mois {number}",
    "{items} and {n} more\x00{items} and {n} more": [
        "{items} et {n} autre",
        "{items} et {n} autres",
    ],
    "user\x04active": "actif",
    "user\x04disabled": "désactivé",
    "Discount {rate}": "Remise {rate}",
    "Price list {value}": "Tarif {value}",
    "Price set by {value}": "Prix fixé par {value}",
    "{note} + points": "{note} + points",
    "Discount": "Remise",
    "till printer test": "test d'imprimante till",
    "French: {sample}": "Français : {sample}",
    "Bold line": "Ligne en gras",
    "{value} changes number at every boot and plug: use its /dev/input/by-id/ path or"
    " vendor:product (see `till devices`)": "{value} change de numéro à chaque démarrage et"
    " branchement : utilisez son chemin /dev/input/by-id/ ou vendor:product (voir `till devices`)",
    "No evdev scanner configured: scanners type into the scan field (keyboard-wedge mode).": (
        "Aucun scanner evdev configuré : les scanners écrivent dans le champ de saisie (mode"
        " clavier)."
    ),
    "Scanner {match} ({role}, layout {layout})": "Scanner {match} ({role}, disposition {layout})",
    "{what}: {device} at {path}, ready to be grabbed.": (
        "{what} : {device} sur {path}, prêt à être réservé."
    ),
}
"""The French of the messages this change adds (as in the file handed to the lead)."""


class Catalog(gettext.NullTranslations):
    """``WORDS``, then the French catalog."""

    def __init__(self, fallback: gettext.NullTranslations) -> None:
        super().__init__()
        self.add_fallback(fallback)

    def gettext(self, message: str) -> str:
        said = WORDS.get(message)
        return said if isinstance(said, str) else super().gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        forms = WORDS.get(f"{singular}\x00{plural}")
        if isinstance(forms, list):
            return forms[0] if n <= 1 else forms[1]
        return super().ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        said = WORDS.get(f"{context}\x04{message}")
        return said if isinstance(said, str) else super().pgettext(context, message)


@pytest.fixture(autouse=True)
def french_catalog(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """French is the catalog's words and ``WORDS``, for ``use_language`` and ``speaking``."""
    catalog = Catalog(i18n.translations("fr"))
    real = i18n.translations
    monkeypatch.setattr(i18n, "translations", lambda code: catalog if code == "fr" else real(code))
    yield
    use_language("en")


def french(message: str) -> str:
    said = i18n.translations("fr").gettext(message)
    assert said != message, f"no French for {message!r}"
    return said


# The scanners


def test_a_refused_scanner_match_is_worded_where_it_is_shown():
    with pytest.raises(BadMatch) as raised:
        parse_match("/dev/input/event3")
    refused = raised.value
    assert isinstance(refused, ValueError)  # what the config's check catches
    assert str(refused).startswith("/dev/input/event3 changes number at every boot")
    use_language("fr")
    assert str(refused).startswith("/dev/input/event3 change de numéro")
    assert refused.params == {"value": "/dev/input/event3"}


def test_the_doctor_says_no_scanner_is_configured_in_french(french_till):
    assert french_till("init").exit_code == 0
    lines = french_till("doctor", "--printer", "none").output.splitlines()
    none = french(
        "No evdev scanner configured: scanners type into the scan field (keyboard-wedge mode)."
    )
    assert f"ok    scanners     {none}" in lines


def test_a_scanner_s_check_is_english_as_text_and_french_where_shown():
    source = ReplaySource()
    try:
        source.plug(ReplayDevice("Honeywell 1900", 0x0C2E, 0x0B61))
        settings = Settings(scanner=ScannerSettings(devices=(ScannerDevice("0c2e:0b61"),)))
        [(status, message)] = scanner_diagnosis(settings, source)
    finally:
        source.dispose()
    assert status == "ok"
    assert str(message).startswith("Scanner 0c2e:0b61 (any, layout us): Honeywell 1900")
    use_language("fr")
    shown = f"{message}"  # as the doctor and the support view write their lines
    assert shown.startswith("Scanner 0c2e:0b61 (any, disposition us) : Honeywell 1900")
    assert shown.endswith(", prêt à être réservé.")


# Closures and lists


def test_a_closure_kind_and_name_are_worded_where_shown(french_till):
    assert french_till("init").exit_code == 0
    missing = french_till("closures", "show", "3", "--kind", "month")
    assert missing.exit_code != 0
    said = french("Till {till} has no {closure} {number}.").format(till=1, closure="Mois", number=3)
    assert missing.output.strip() == f"till: {said}"
    assert ClosureKind.MONTH.word == "Month"  # the value stays English


def test_a_closure_name_is_english_as_text_and_french_in_a_message():
    from till.core.closures import CLOSURE_NAMES

    name = Phrase(CLOSURE_NAMES[ClosureKind.MONTH], number=3)
    use_language("fr")
    assert name == "Month 3"  # compared, logged and pickled as it was made
    assert f"{name}" == "Mois 3"
    assert f"{pickle.loads(pickle.dumps(name))}" == "Mois 3"


def test_and_n_more_is_a_plural_in_the_reader_s_language():
    days = Listing([f"2026-11-{day:02d}" for day in range(1, 8)], 5)
    one_more = Listing(["a", "b", "c", "d"], 3)
    assert f"{days}" == "2026-11-01, 2026-11-02, 2026-11-03, 2026-11-04, 2026-11-05 and 2 more"
    use_language("fr")
    assert f"{days}".endswith("2026-11-05 et 2 autres")
    assert f"{one_more}" == "a, b, c et 1 autre"
    assert f"{Listing(['a', 'b'], 3)}" == "a, b"
    assert pickle.loads(pickle.dumps(days)) == days


# Users


def test_till_user_list_words_roles_and_states_in_french(french_till):
    assert french_till("init").exit_code == 0
    assert french_till("user", "add", "Max", "--role", "manager", stdin="2222\n").exit_code == 0
    listed = french_till("user", "list")
    assert listed.exit_code == 0, listed.output
    [line] = listed.output.splitlines()
    assert line.split()[:3] == ["Max", french("manager"), "actif"]
    as_json = french_till("user", "list", "--json").output  # what scripts read stays codes
    assert '"role": "manager"' in as_json


# Prices


def test_a_line_s_note_is_a_code_worded_in_the_reader_s_language():
    notes = [
        segment_note("VIP", 500),
        discount_note(1250),
        price_list_note("PRO"),
        price_set_by_note("Max"),
        with_points("promotion"),
        with_points(""),
    ]
    assert [note_words(note, "fr_FR") for note in notes] == [
        "VIP 5 %",
        "Discount 12,5 %",
        "Price list PRO",
        "Price set by Max",
        "Promotion + points",
        "Points",
    ]
    use_language("fr")
    assert [note_words(note, "fr_FR") for note in notes] == [
        "VIP 5 %",
        "Remise 12,5 %",
        "Tarif PRO",
        "Prix fixé par Max",
        "Promotion + points",
        "Points",
    ]


def test_notes_written_before_codes_are_shown_as_they_are():
    for prose in ("Promotion", "Price list B", "VIP 5%", "Discount 5%", "Points", "X + points"):
        assert parse_note(prose) is None
        assert note_words(prose, "fr_FR") == prose
    assert parse_note("segment:500:VIP:Gold") is not None  # a segment's name may hold ":"
    assert parse_note("discount:5%") is None


def test_an_english_till_prints_a_french_customer_s_discount_in_french(settings, printer_file):
    from storage import catalog, sales
    from till.core.sale import Cart, PaymentMethod
    from till.register import Register

    from .conftest import PRODUCTS
    from .escpos_decoder import decode

    register = Register(replace(settings))
    try:
        customer = register.customers.create(
            {"last_name": "Martin", "language": "fr", "discount_percent": "10"}
        )
        cart = Cart()
        register.attach(cart, register.customers.for_sale(customer))
        cart.add(catalog.lookup(PRODUCTS[0][0]))
        assert cart.lines[0].price.note == discount_note(1000)  # the sale keeps the code
        cart.pay(PaymentMethod.CASH, cart.total)
        recorded = sales.record_sale(
            cart, till_no=1, seller="Ann", currency="EUR", print_receipt=False
        )
        register.printer.print_sale(sales.get_sale_by_id(recorded.id), kick_drawer=False)
    finally:
        register.close()
    text = decode(printer_file.read_bytes()).text
    assert "Remise 10" in text and "Discount" not in text


# The printer's test page


def test_the_printer_test_page_speaks_the_till_s_language():
    use_language("fr")
    page = build_test_page("file:///dev/null", "TM-T88V", 42)
    texts = [getattr(block, "text", "") for block in page.blocks]
    assert texts[0] == "test d'imprimante till"
    at = texts.index("Français :")  # the sample whole, under its label when it has no room
    assert texts[at + 1] == "  à â ç é è ê ë î ï ô ù û ü ÿ œ æ « »"
    assert "Ligne en gras" in texts
