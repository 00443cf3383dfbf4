"""Messages as data: an error keeps its message id and values and is worded in the till's
language where it is shown, so a language chosen after it was raised still words it; values
are never read as format fields; a translation that does not fit its values falls back to the
English; the values survive a trip to another process."""

from __future__ import annotations

import gettext
import pickle
from collections.abc import Iterator

import pytest

from till import i18n
from till.errors import InvalidSale, TillError
from till.i18n import use_language


class Catalog(gettext.NullTranslations):
    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)


@pytest.fixture
def french(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """French with a catalog the test writes."""
    messages: dict[str, str] = {}
    use_language("fr")
    monkeypatch.setattr(i18n._active, "catalog", Catalog(messages))
    yield messages


MOST = "A sale holds at most {most} lines: pay this one first."


def test_an_error_raised_in_english_is_worded_in_the_language_it_is_shown_in(french):
    french[MOST] = "Un ticket a au plus {most} lignes : encaissez celui-ci d'abord."
    use_language("en")
    error = InvalidSale(MOST, most=99)
    assert str(error) == "A sale holds at most 99 lines: pay this one first."
    use_language("fr")
    i18n._active.catalog = Catalog(french)
    assert str(error) == "Un ticket a au plus 99 lignes : encaissez celui-ci d'abord."
    assert (error.message_id, error.params) == (MOST, {"most": 99})


def test_values_are_text_never_format_fields(french):
    name = "{most} {0} {__class__}"
    error = TillError("No customer is called {name}.", name=name)
    assert str(error) == f"No customer is called {name}."
    plain = TillError(f"No customer is called {name}.")  # no values: said as it is
    assert str(plain) == f"No customer is called {name}."


def test_a_translation_that_does_not_fit_its_values_falls_back_to_english(french, caplog):
    french[MOST] = "Au plus {lignes} lignes."  # names a value the message does not have
    assert str(InvalidSale(MOST, most=7)) == "A sale holds at most 7 lines: pay this one first."
    assert "does not fit its values" in caplog.text


def test_the_values_survive_another_process(french):
    french[MOST] = "Au plus {most} lignes."
    error = pickle.loads(pickle.dumps(InvalidSale(MOST, most=12)))
    assert isinstance(error, InvalidSale) and str(error) == "Au plus 12 lignes."


def test_a_refusal_words_its_role_and_permission_in_the_reader_s_language():
    from till.core.people import Actor, NotPermitted, Permission, Role, authorise
    from till.i18n import translations

    with pytest.raises(NotPermitted) as refused:
        authorise(Actor("u1", "Camille", Role.CASHIER, 1), Permission.REFUND)
    english = str(refused.value)
    assert english == (
        "Camille (cashier) may not refund a sale: a manager or an admin may, or approve it"
        " with their PIN."
    )
    use_language("fr")
    french, catalog = str(refused.value), translations("fr")
    for word in ("cashier", "refund a sale", "a manager", "an admin"):
        assert catalog.gettext(word) != word and catalog.gettext(word) in french
    assert "Camille" in french and "may not" not in french
