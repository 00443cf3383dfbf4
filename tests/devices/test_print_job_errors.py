"""A print job's last error is kept as data (a message id and its values), so the doctor's
line and the status screen word it in the language of whoever reads it, however old the job;
an error written before (English prose) is shown as it is."""

from __future__ import annotations

import json
import socket
from dataclasses import replace

from devices.printer.service import ReceiptPrinter
from devices.printer.transport import open_transport
from storage import catalog, print_jobs, sales
from storage.db import database
from till.core.message_data import message_data, parse_message_data
from till.core.sale import Cart, PaymentMethod
from till.core.words import OneOf, Word
from till.doctor import device_checks
from till.i18n import translations, use_language
from till.printing import SET_ASIDE, PrintQueue
from till.record_words import message_words

from ..conftest import PRODUCTS
from .test_receipt import LAYOUT

REFUSED = "Printer {url}: connection refused. Is it switched on?"


def _closed_port_url() -> str:
    with socket.socket() as probe:  # bound, never listening: a connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp://127.0.0.1:{port}"


def _sell() -> str:
    cart = Cart()
    cart.add(catalog.lookup(PRODUCTS[0][0]))
    cart.pay(PaymentMethod.CARD, cart.total)
    return sales.record_sale(cart, till_no=1, seller="Ann", currency="EUR").id  # queued


def _queue(url: str) -> PrintQueue:
    printer = ReceiptPrinter(open_transport(url, 2), LAYOUT, "TM-T88V")
    return PrintQueue(printer, lambda operation, *args: operation(*args))


def _stored() -> str:
    return database.execute_sql("SELECT last_error FROM print_job").fetchone()[0]


def test_a_refused_job_keeps_its_error_as_data_worded_when_read(settings):
    url = _closed_port_url()
    _sell()
    state = _queue(url).run()
    english = REFUSED.format(url=url)
    assert state.error == english and state.waiting == 1
    assert json.loads(_stored()) == {"message": REFUSED, "params": {"url": url}}

    checks = list(device_checks(replace(settings, printer=replace(settings.printer, url=url))))
    assert ("warn", "print queue", f"last error: {english}") in checks

    use_language("fr")  # the same record, read on a French till
    french = translations("fr").gettext(REFUSED).format(url=url)
    assert french != english
    assert message_words(print_jobs.holding_error()) == french
    checks = list(device_checks(replace(settings, printer=replace(settings.printer, url=url))))
    said = translations("fr").gettext("last error: {error}").format(error=french)
    assert ("warn", "print queue", said) in checks


def test_an_error_stored_as_prose_before_is_shown_as_it_is(stocked_db):
    _sell()
    old = "Printer tcp://10.0.0.5:9100: connection refused. Is it switched on?"
    database.execute_sql("UPDATE print_job SET last_error = ?", (old,))
    use_language("fr")
    assert message_words(print_jobs.holding_error()) == old
    for prose in ("{not json", '{"message": "x"}', "[1, 2]", '{"message": 1, "params": {}}'):
        assert parse_message_data(prose) is None
        assert message_words(prose) == prose


def test_a_job_that_cannot_be_prepared_is_set_aside_with_its_reason_as_data(stocked_db):
    _sell()
    queue = _queue("none")

    def broken(*args, **options):
        raise ValueError("no layout for 0 columns")

    queue.printer.print_sale = broken  # type: ignore[method-assign]
    state = queue.run()
    assert state.error == SET_ASIDE.format(error="no layout for 0 columns")
    stored = json.loads(_stored())
    assert stored == {"message": SET_ASIDE, "params": {"error": "no layout for 0 columns"}}


def test_values_that_are_messages_or_words_stay_so():
    inner = message_data(REFUSED, {"url": "tcp://p:9100"})
    kept = message_data("{error} ({who}, {roles})", {"error": _Error(), "who": Word("cashier")})
    parsed = parse_message_data(kept)
    assert parsed is not None and isinstance(parsed.params["who"], Word)
    assert parse_message_data(inner) == parsed.params["error"]
    kept = message_data("{roles}", {"roles": OneOf(("a manager", "an admin"))})
    assert message_words(kept) == "a manager or an admin"
    use_language("fr")
    assert message_words(inner) == translations("fr").gettext(REFUSED).format(url="tcp://p:9100")
    assert message_words(message_data("{n} {missing}", {"n": 1})) == "{n} {missing}"


class _Error(Exception):
    message_id = REFUSED
    params = {"url": "tcp://p:9100"}


def test_a_stored_message_from_a_tampered_database_is_never_formatted():
    """The database is not to be trusted: a stored "message" that reads an attribute, asks
    for a huge width or nests without end is shown as text (or left alone), never formatted."""
    for template in ("{error.__class__}", "{error:>999999999}", "{error!a}", "{0}", "{"):
        stored = message_data(template, {"error": "x"})
        assert message_words(stored) == template
    nested = '{"message": ' * 100_000 + '"x"' + "}" * 100_000
    assert message_words(nested) == nested  # not data: shown as it was
    assert message_words(message_data("x" * 5_000)) == "x" * 1_000
