"""The demo shop: settings and a catalog of a few hundred products with real EAN-13 codes."""

from __future__ import annotations

import random
from pathlib import Path

from till.config import (
    AccountSettings,
    LocaleSettings,
    PricingSettings,
    PrinterSettings,
    ReceiptSettings,
    Settings,
    StoreSettings,
    TillSettings,
)
from till.core.barcodes import gtin_check_digit

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


DEMO_MANAGER_PIN = "1234"
"""The demo manager's PIN (demo only)."""


def demo_settings(data_dir: Path = DEMO_DIR) -> Settings:
    return Settings(
        store=StoreSettings(
            name="Épicerie du Marché",
            address=("12 rue des Halles", "75001 Paris"),
            vat_number="FR40303265045",
            siret="30326504500003",  # the demo shop invoices its business customers
        ),
        till=TillSettings(number=1, seller="Demo"),
        locale=LocaleSettings(currency="EUR", locale="fr_FR"),
        printer=PrinterSettings(url=f"file://{(data_dir / 'receipts.escpos').resolve()}"),
        receipt=ReceiptSettings(footer=("Merci de votre visite !", "Thank you!")),
        pricing=PricingSettings(segment_discounts={"VIP": 500, "Wholesale": 1000}),
        accounts=AccountSettings(credit_limit=200),
    ).with_database((data_dir / "till.db").resolve())


DEMO_USERS = (("Camille", "cashier", "1111"), ("Manon", "manager", DEMO_MANAGER_PIN))
"""The demo shop's people: name, role, PIN (demo only; shown on its login screen)."""


def seed_demo_users(settings: Settings) -> int:
    """Add the demo's cashier and manager, once."""
    from till.core.people import Role
    from till.people_service import PeopleService

    service = PeopleService(settings)
    if service.needs_login:
        return 0
    for name, role, pin in DEMO_USERS:
        service.add_user(name, Role(role), pin)
    return len(DEMO_USERS)


def demo_login_hint() -> str:
    return "Demo: " + ", ".join(f"{name} {pin} ({role})" for name, role, pin in DEMO_USERS)


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


DEMO_PLANS = [
    # (serial, product name, price, plan name, duration, discount %, categories)
    (1, "Carte Gold 1 an", "30.00", "Gold", "12m", "10", ()),
    (2, "Club des vins 3 mois", "15.00", "Club des vins", "3m", "15", ("Alcools",)),
]


def seed_demo_subscriptions(rates) -> int:
    """Sell the demo's subscription cards: their products, then their plans
    (docs/subscriptions.md). Returns how many plans."""
    from storage import catalog, subscriptions
    from till.core.money import parse_rate
    from till.core.subscriptions import Plan, parse_duration

    rows = ["barcode,name,price,vat,category,discountable"]
    codes = []
    for serial, product, price, *_plan in DEMO_PLANS:
        body = f"200999999{serial:03d}"
        codes.append(body + gtin_check_digit(body))
        rows.append(f'{codes[-1]},"{product}",{price},20,Abonnements,no')
    products, _refused = catalog.parse_product_csv("\n".join(rows) + "\n", rates)
    catalog.import_products(products)
    for code, (_serial, _product, _price, name, duration, percent, categories) in zip(
        codes, DEMO_PLANS, strict=True
    ):
        length, unit = parse_duration(duration)
        product_id = catalog.lookup(code).product_id
        subscriptions.save_plan(
            Plan(product_id, name, length, unit, parse_rate(percent), categories)
        )
    return len(DEMO_PLANS)


def demo_products_csv(seed: int = 2026) -> str:
    """A product import file of a few hundred items, the same one every time."""
    rng = random.Random(seed)
    offers = random.Random(seed + 1)  # its own sequence: prices stay what they were
    rows = ["barcode,name,price,vat,category,cost,promo_price"]
    serial = 0
    for category, vat, (low, high), names in _CATALOG:
        for name in names:
            for variant in _VARIANTS:
                serial += 1
                body = f"200{serial:09d}"
                code = body + gtin_check_digit(body)
                label = f"{name} {variant}".strip()
                cents = rng.randint(low, high)
                cost = cents // 2  # excluding VAT, about half the shelf price
                promo = _amount(cents * 8 // 10) if offers.random() < 0.08 else ""
                rows.append(
                    f'{code},"{label}",{_amount(cents)},{vat},{category},{_amount(cost)},{promo}'
                )
    return "\n".join(rows) + "\n"


def demo_price_list_csv() -> str:
    """The ``PRO`` price list of the demo's wholesale customers: 15 % off the grocery."""
    rows = ["price_code,barcode,price"]
    for line in demo_products_csv().splitlines()[1:]:
        code, _, rest = line.partition(",")
        price, _, category = rest.rsplit(",", 5)[1:4]
        if category == "Épicerie":
            cents = int(price.replace(".", ""))
            rows.append(f"PRO,{code},{_amount(cents * 85 // 100)}")
    return "\n".join(rows) + "\n"


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def demo_kiosk_cards(count: int = 3) -> list[str]:
    """Loyalty cards to try the kiosk with: the demo customers who have one, or cards (with a
    few welcome points) given now to the first ``count`` customers."""
    from storage import loyalty
    from storage.models import Customer

    held = Customer.select(Customer.card_number).where(Customer.card_number.is_null(False))
    cards = [
        row.card_number for row in held.order_by(Customer.code).limit(count) if row.card_number
    ]
    if cards:
        return cards
    for row in Customer.select(Customer.id).order_by(Customer.code).limit(count):
        card = loyalty.issue_card(row.id, actor="demo", till_no=1)
        loyalty.adjust_points(row.id, 240, "demo welcome points", actor="demo")
        cards.append(card)
    return cards
