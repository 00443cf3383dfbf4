"""The demo shop: settings and a catalog of a few hundred products with real EAN-13 codes."""

from __future__ import annotations

import random
from pathlib import Path

from stdnum import ean

from till.config import (
    LocaleSettings,
    PrinterSettings,
    ReceiptSettings,
    Settings,
    StoreSettings,
    TillSettings,
)

DEMO_DIR = Path("data/demo")

# (category, VAT %, price range in cents, base names)
_CATALOG = [
    (
        "Épicerie",
        "5.5",
        (89, 699),
        [
            "Pâtes penne",
            "Riz basmati",
            "Farine T55",
            "Sucre en poudre",
            "Café moulu",
            "Thé vert",
            "Chocolat noir 70%",
            "Confiture de fraises",
            "Miel de lavande",
            "Huile d'olive",
            "Lentilles vertes",
            "Sel de Guérande",
            "Moutarde de Dijon",
            "Biscuits sablés",
            "Céréales muesli",
            "Sauce tomate",
        ],
    ),
    (
        "Boissons",
        "5.5",
        (59, 399),
        [
            "Eau minérale",
            "Eau gazeuse",
            "Jus d'orange",
            "Limonade",
            "Sirop de menthe",
            "Jus de pomme",
            "Thé glacé pêche",
        ],
    ),
    (
        "Alcools",
        "20",
        (299, 2499),
        [
            "Bière blonde",
            "Cidre brut",
            "Vin rouge Côtes-du-Rhône",
            "Vin blanc Muscadet",
            "Crémant d'Alsace",
            "Pastis",
        ],
    ),
    (
        "Frais",
        "5.5",
        (79, 899),
        [
            "Lait demi-écrémé",
            "Yaourt nature",
            "Beurre doux",
            "Crème fraîche",
            "Camembert",
            "Comté 12 mois",
            "Œufs plein air",
            "Jambon blanc",
            "Fromage de chèvre",
        ],
    ),
    (
        "Boulangerie",
        "5.5",
        (95, 450),
        [
            "Baguette tradition",
            "Croissant",
            "Pain au chocolat",
            "Pain de campagne",
            "Brioche",
        ],
    ),
    (
        "Traiteur",
        "10",
        (250, 1290),
        [
            "Sandwich jambon-beurre",
            "Salade niçoise",
            "Quiche lorraine",
            "Taboulé",
            "Croque-monsieur",
        ],
    ),
    (
        "Droguerie",
        "20",
        (149, 1299),
        [
            "Savon de Marseille",
            "Shampooing doux",
            "Lessive liquide",
            "Éponges",
            "Dentifrice",
            "Papier toilette",
        ],
    ),
    (
        "Papeterie",
        "20",
        (99, 899),
        [
            "Stylo bille",
            "Cahier A4",
            "Crayons de couleur",
            "Enveloppes",
            "Ruban adhésif",
        ],
    ),
]
_VARIANTS = ["", "bio", "format familial", "petit format", "marque maison", "premium"]


def demo_settings(data_dir: Path = DEMO_DIR) -> Settings:
    return Settings(
        store=StoreSettings(
            name="Épicerie du Marché",
            address=("12 rue des Halles", "75001 Paris"),
            vat_number="FR40303265045",
        ),
        till=TillSettings(number=1, seller="Demo"),
        locale=LocaleSettings(currency="EUR", locale="fr_FR"),
        printer=PrinterSettings(url=f"file://{(data_dir / 'receipts.escpos').resolve()}"),
        receipt=ReceiptSettings(footer=("Merci de votre visite !", "Thank you!")),
    ).with_database((data_dir / "till.db").resolve())


def seed_demo_customers(settings: Settings, count: int = 300) -> int:
    """Add ``count`` customers through the same operation the till uses, in one transaction."""
    from storage.models import database
    from till.customer_service import CustomerService
    from till.demo_people import people

    service = CustomerService(settings, actor="demo")
    with database.atomic():
        for person in people(count):
            service.create(person)
    return count


def demo_products_csv(seed: int = 2026) -> str:
    """A product import file of a few hundred items, the same one every time."""
    rng = random.Random(seed)
    rows = ["barcode,name,price,vat,category"]
    serial = 0
    for category, vat, (low, high), names in _CATALOG:
        for name in names:
            for variant in _VARIANTS:
                serial += 1
                body = f"200{serial:09d}"
                code = body + ean.calc_check_digit(body)
                label = f"{name} {variant}".strip()
                cents = rng.randint(low, high)
                rows.append(f'{code},"{label}",{cents // 100}.{cents % 100:02d},{vat},{category}')
    return "\n".join(rows) + "\n"
