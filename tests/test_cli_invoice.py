"""``till invoice RECEIPT [-o FILE.pdf]`` and ``till invoice show N`` on a real shop: the PDF
written with its Factur-X XML, the number on the last line, the same invoice when asked
again, a credit note behind a manager's PIN, every failure one ``till:`` line."""

from __future__ import annotations

from pathlib import Path

import facturx
import pytest
from click.testing import CliRunner

from storage import customers
from till.cli import cli
from till.core.pin import hash_pin
from till.core.sale import PaymentMethod

from .cli_shop import MANAGER_PIN
from .test_invoices import DUPONT, refund_lines, sell


@pytest.fixture
def shop(stocked_db: Path, tmp_path: Path) -> list[str]:
    """The stocked database behind a config with the shop's invoice mentions."""
    config = tmp_path / "till.toml"
    config.write_text(
        f'[security]\nmanager_pin = "{hash_pin(MANAGER_PIN)}"\n'
        f'[database]\npath = "{stocked_db.name}"\n'
        '[store]\nname = "Épicerie"\naddress = ["12 rue des Halles", "75001 Paris"]\n'
        'vat_number = "FR40303265045"\nsiret = "30326504500011"\n'
        '[invoice]\npayment_terms = "eom"\n',
        encoding="utf-8",
    )
    return ["--config", str(config)]


def _sell() -> str:
    """A business customer's sale of two of PRODUCTS[3], paid by card: its receipt number."""
    customer = customers.create_customer(DUPONT, actor="test", till_no=1, region="FR")
    return sell(customer, 0, 0, 0, 2).receipt_code


def run(shop: list[str], *args: str, pin: str | None = None):
    given = f"{pin}\n" if pin is not None else None
    return CliRunner().invoke(cli, [*shop, *args], input=given)


def test_invoice_writes_the_pdf_and_says_its_number_last(shop, tmp_path):
    receipt = _sell()
    output = tmp_path / "out.pdf"

    result = run(shop, "invoice", receipt, "-o", str(output))

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "F01-000001"
    _name, xml = facturx.get_xml_from_pdf(output.read_bytes(), check_xsd=False)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    assert b"F01-000001" in xml
    again = run(shop, "invoice", "issue", receipt, "-o", str(output))
    assert again.exit_code == 0 and again.output.splitlines()[-1] == "F01-000001"
    assert "issued before" in again.output

    shown = run(shop, "invoice", "show", "F01-000001")
    assert shown.exit_code == 0, shown.output
    assert "Invoice F01-000001" in shown.output and "Dupont SARL" in shown.output
    assert "Payment terms: End of month" in shown.output
    assert run(shop, "invoice", "show", "1").output == shown.output


def test_a_credit_note_takes_a_manager_pin(shop, tmp_path):
    receipt = _sell()
    assert run(shop, "invoice", receipt, "-o", str(tmp_path / "a.pdf")).exit_code == 0
    refund = refund_lines(receipt, {1: 1}, PaymentMethod.CASH)

    wrong = run(shop, "invoice", refund.receipt_code, "-o", str(tmp_path / "b.pdf"), pin="0000")
    assert wrong.exit_code == 2 and not (tmp_path / "b.pdf").exists()
    result = run(
        shop, "invoice", refund.receipt_code, "-o", str(tmp_path / "b.pdf"), pin=MANAGER_PIN
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "F01-000002"
    assert "Credit note issued" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("invoice", "01-000099"), "No sale has the receipt number 01-000099"),
        (("invoice", "nonsense"), "is not a receipt number"),
        (("invoice", "show", "F01-000404"), "No invoice has the number F01-000404"),
        (("invoice", "01-000001", "--terms", "net90"), "Payment terms"),
    ],
)
def test_failures_are_one_line(shop, args, said):
    _sell()
    result = run(shop, *args)
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-1].startswith("till: ")
    assert said in result.stderr and "Traceback" not in result.output
