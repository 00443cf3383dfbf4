"""The tables. Rows that sync carry a UUIDv7 text id; money is integer minor units."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CompositeKey,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SqliteDatabase,
    TextField,
)

database = SqliteDatabase(None, lock_type="IMMEDIATE")
"""Bound to a file by ``storage.db.open_database``; every transaction takes the write lock."""


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = TextField()

    class Meta:
        primary_key = CompositeKey("version")


class Product(BaseModel):
    id = TextField(primary_key=True)
    name = TextField()
    price = IntegerField()
    vat_rate_bp = IntegerField()
    category = TextField(default="")
    active = BooleanField(default=True)
    updated_at = TextField()
    cost = IntegerField(default=0)
    promo_price = IntegerField(null=True)
    discountable = BooleanField(default=True)
    stock = IntegerField(default=0)
    """Units on hand: sales take them, returns put them back (negative: sold unrecorded stock)."""


class Barcode(BaseModel):
    code = TextField(primary_key=True)
    product = ForeignKeyField(Product, backref="barcodes", on_delete="CASCADE", index=True)


class Sale(BaseModel):
    id = TextField(primary_key=True)
    till_no = IntegerField()
    receipt_no = IntegerField()
    receipt_code = TextField(unique=True)
    created_at = TextField()
    seller = TextField()
    currency = TextField()
    total = IntegerField()
    item_count = IntegerField()
    change_given = IntegerField()
    previous_hash = TextField()
    journal_hash = TextField()
    customer_id = TextField(null=True)
    store = TextField(default="")
    prices_excl_tax = BooleanField(default=False)
    tax_free = BooleanField(default=False)
    refund_of = TextField(null=True, index=True)
    """A return: the id of the sale it refunds."""
    receipt_header = TextField(null=True)
    """JSON: what the receipt printed from the configuration (``ReceiptHeader``); NULL before."""

    class Meta:
        indexes = ((("till_no", "receipt_no"), True), (("customer_id", "created_at"), False))


class SaleLine(BaseModel):
    sale = ForeignKeyField(Sale, backref="lines", on_delete="RESTRICT", index=False)
    line_no = IntegerField()
    product_id = TextField()
    code = TextField()
    name = TextField()
    quantity = IntegerField()
    unit_price = IntegerField()
    vat_rate_bp = IntegerField()
    total = IntegerField()
    discount = IntegerField(default=0)
    note = TextField(default="")

    class Meta:
        primary_key = CompositeKey("sale", "line_no")


class SaleVat(BaseModel):
    sale = ForeignKeyField(Sale, backref="vat_lines", on_delete="RESTRICT", index=False)
    rate_bp = IntegerField()
    gross = IntegerField()
    net = IntegerField()
    vat = IntegerField()

    class Meta:
        primary_key = CompositeKey("sale", "rate_bp")


class SalePayment(BaseModel):
    sale = ForeignKeyField(Sale, backref="payments", on_delete="RESTRICT", index=False)
    position = IntegerField()
    method = TextField()
    amount = IntegerField()
    tendered = IntegerField()

    class Meta:
        primary_key = CompositeKey("sale", "position")


class Outbox(BaseModel):
    """Changes waiting to be pushed to the back office, written with the change itself."""

    seq = AutoField()
    entity = TextField()
    entity_id = TextField()
    operation = TextField()
    payload = TextField()
    created_at = TextField()


ALL_MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion,
    Product,
    Barcode,
    Sale,
    SaleLine,
    SaleVat,
    SalePayment,
    Outbox,
)


class Sequence(BaseModel):
    """Counters for human codes that must be unique across tills (the till number prefixes them)."""

    name = TextField(primary_key=True)
    value = IntegerField()


class Customer(BaseModel):
    num = AutoField()
    """Local row number: the FTS index refers to it; never leaves the till."""
    id = TextField(unique=True)
    code = TextField(unique=True)
    kind = TextField(default="individual")
    title = TextField(default="")
    last_name = TextField()
    first_name = TextField(default="")
    nickname = TextField(default="")
    company = TextField(default="")
    job_title = TextField(default="")
    vat_number = TextField(default="")
    registration_number = TextField(default="")
    activity_code = TextField(default="")
    email = TextField(default="")
    mobile = TextField(default="")
    landline = TextField(default="")
    birth_date = TextField(default="")
    language = TextField(default="")
    address1 = TextField(default="")
    address2 = TextField(default="")
    address3 = TextField(default="")
    postcode = TextField(default="")
    city = TextField(default="")
    country = TextField(default="")
    id_document_number = TextField(default="")
    id_document_region = TextField(default="")
    id_document_expiry = TextField(default="")
    notes = TextField(default="")
    status = TextField(default="")
    family = TextField(default="")
    segment = TextField(default="")
    price_code = TextField(default="")
    tax_zone = TextField(default="")
    excluded_from_promotions = BooleanField(default=False)
    export_sale = BooleanField(default=False)
    targeting = TextField(default="[]")
    extra = TextField(default="{}")
    consent_post = BooleanField(default=False)
    consent_post_at = TextField(default="")
    consent_email = BooleanField(default=False)
    consent_email_at = TextField(default="")
    consent_sms = BooleanField(default=False)
    consent_sms_at = TextField(default="")
    reconfirm = BooleanField(default=False)
    active = BooleanField(default=True)
    card_number = TextField(null=True, unique=True)
    name_key = TextField(index=True)
    alt_key = TextField(index=True)
    company_key = TextField(index=True)
    email_key = TextField(index=True)
    phone_key = TextField(index=True)
    landline_key = TextField(index=True)
    created_at = TextField()
    updated_at = TextField()
    discount_percent = TextField(default="")
    discount_until = TextField(default="")
    origin_till = TextField(default="")
    """The till that made the customer, as the server names it ("": this till)."""
    merged_into = TextField(null=True, index=True)
    """The customer this one was merged into as a duplicate (m0019); None while it stands."""
    anonymised_at = TextField(default="")
    """When the person's data was erased (m0020, storage/customer_privacy.py); "" before."""
    gender = TextField(default="")
    business_type = TextField(default="")
    industry = TextField(default="")
    payment_terms = TextField(default="")
    """As ``[invoice] payment_terms`` writes them (m0027); "": the shop's default."""
    preferred_channel = TextField(default="")
    invoice_automatically = BooleanField(default=False)


class CustomerAddress(BaseModel):
    id = TextField(primary_key=True)
    customer = ForeignKeyField(Customer, field=Customer.id, backref="extra_addresses")
    kind = TextField()
    line1 = TextField(default="")
    line2 = TextField(default="")
    line3 = TextField(default="")
    postcode = TextField(default="")
    city = TextField(default="")
    country = TextField(default="")
    origin_till = TextField(default="")
    """The till that made the address, as the server names it ("": this till)."""


class CustomerExternalCode(BaseModel):
    customer = ForeignKeyField(Customer, field=Customer.id, backref="external_codes")
    system = TextField()
    code = TextField()

    class Meta:
        primary_key = CompositeKey("system", "code")


class CustomerList(BaseModel):
    """The values the shop offers for status, family, segment, price code and tax zone."""

    list_name = TextField()
    value = TextField()
    position = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("list_name", "value")


class AuditLog(BaseModel):
    """Who changed what and when; append-only."""

    id = TextField(primary_key=True)
    at = TextField()
    actor = TextField()
    entity = TextField()
    entity_id = TextField()
    action = TextField()
    field = TextField(default="")
    old_value = TextField(default="")
    new_value = TextField(default="")
    old_clock = TextField(default="")
    new_clock = TextField(default="")
    """A merge across tills: the losing value's clock and the winning one's."""
    chain_seq = IntegerField(null=True, unique=True)
    """Its place in the audit chain (m0023, storage/journal_seal.py)."""
    value_digest = TextField(default="")
    value_salt = TextField(default="")

    class Meta:
        indexes = ((("entity", "entity_id", "at"), False),)


ALL_MODELS = (
    *ALL_MODELS,
    Sequence,
    Customer,
    CustomerAddress,
    CustomerExternalCode,
    CustomerList,
    AuditLog,
)


class PrintJob(BaseModel):
    """A receipt waiting for the printer, or printed."""

    id = TextField(primary_key=True)
    sale = ForeignKeyField(Sale, index=False)
    kind = TextField()
    kick_drawer = BooleanField()
    status = TextField()
    attempts = IntegerField()
    last_error = TextField()
    created_at = TextField()
    printed_at = TextField()

    class Meta:
        indexes = ((("status", "created_at"), False), (("sale",), False))


ALL_MODELS = (*ALL_MODELS, PrintJob)


class LoyaltyCard(BaseModel):
    number = TextField(primary_key=True)
    customer = ForeignKeyField(Customer, field=Customer.id, backref="cards")
    status = TextField()
    issued_at = TextField()
    blocked_at = TextField()


class LoyaltyEntry(BaseModel):
    """One movement of points; append-only: the balance is their sum."""

    id = TextField(primary_key=True)
    customer = ForeignKeyField(Customer, field=Customer.id, index=False)
    kind = TextField()
    points = IntegerField()
    sale_id = TextField(null=True)
    reason = TextField()
    actor = TextField()
    created_at = TextField()
    chain_seq = IntegerField(null=True, unique=True)
    """Its place in its ledger's chain (m0023, storage/journal_seal.py)."""
    booked_for = TextField(null=True)
    """The customer it was written for; ``customer`` may since follow a merge."""

    class Meta:
        indexes = ((("customer", "created_at"), False),)


ALL_MODELS = (*ALL_MODELS, LoyaltyCard, LoyaltyEntry)


class ParkedSale(BaseModel):
    """A cart put aside; it stays on the till that parked it and is gone once resumed."""

    id = TextField(primary_key=True)
    name = TextField()
    till_no = IntegerField()
    created_at = TextField()
    total = IntegerField()
    item_count = IntegerField()
    cart = TextField()


ALL_MODELS = (*ALL_MODELS, ParkedSale)


class PriceListEntry(BaseModel):
    """A product's price for customers with a price code."""

    price_code = TextField()
    product = ForeignKeyField(Product, on_delete="CASCADE", index=False)
    price = IntegerField()
    updated_at = TextField()

    class Meta:
        primary_key = CompositeKey("price_code", "product")


ALL_MODELS = (*ALL_MODELS, PriceListEntry)


class AccountEntry(BaseModel):
    """One movement of a customer's account, append-only: positive is money the shop holds
    for the customer (a credit note, a deposit), negative is money used or owed."""

    id = TextField(primary_key=True)
    customer = ForeignKeyField(Customer, field=Customer.id, index=False)
    kind = TextField()
    amount = IntegerField()
    sale_id = TextField(null=True)
    reason = TextField()
    actor = TextField()
    created_at = TextField()
    chain_seq = IntegerField(null=True, unique=True)
    """Its place in its ledger's chain (m0023, storage/journal_seal.py)."""
    booked_for = TextField(null=True)
    """The customer it was written for; ``customer`` may since follow a merge."""

    class Meta:
        indexes = ((("customer", "created_at"), False),)


ALL_MODELS = (*ALL_MODELS, AccountEntry)


class OpenSale(BaseModel):
    """The sale in progress on a till, as it last changed; ``cart`` is None between sales."""

    till_no = IntegerField(primary_key=True)
    revision = IntegerField()
    """Counts the changes: an older state never overwrites a newer one."""
    cart = TextField(null=True)
    saved_at = TextField()


ALL_MODELS = (*ALL_MODELS, OpenSale)


class SyncState(BaseModel):
    """Where this till stands with the back office (storage/sync_state.py reads and moves it)."""

    name = TextField(primary_key=True)
    value = IntegerField()


ALL_MODELS = (*ALL_MODELS, SyncState)


class RemoteSale(BaseModel):
    """A customer's sale made on another till, as this till keeps it (storage/remote_sales.py):
    the figures and the History tab read it; never part of this till's journal."""

    id = TextField(primary_key=True)
    customer_id = TextField()
    till_no = IntegerField()
    receipt_no = IntegerField()
    receipt_code = TextField()
    created_at = TextField()
    """UTC, ISO 8601, as this till writes its own sales' times."""
    store = TextField()
    seller = TextField()
    total = IntegerField()
    item_count = IntegerField()
    methods = TextField()
    """The payment methods, in the order paid, joined by "+"."""
    refund_of = TextField(null=True)

    class Meta:
        indexes = ((("customer_id", "created_at"), False), (("created_at",), False))


class RemoteSaleLine(BaseModel):
    """What a remote sale's line says about favourite products: the name and the quantity."""

    sale = ForeignKeyField(RemoteSale, on_delete="CASCADE", index=False)
    line_no = IntegerField()
    name = TextField()
    quantity = IntegerField()

    class Meta:
        primary_key = CompositeKey("sale", "line_no")


class RemoteSaleFolded(BaseModel):
    """A customer's remote sales older than the ones kept, summed: the figures still count them."""

    customer_id = TextField(primary_key=True)
    sale_count = IntegerField()
    total = IntegerField()
    first_at = TextField()
    last_at = TextField()


class RemoteSaleFoldedProduct(BaseModel):
    """The quantities of each product in a customer's folded remote sales."""

    customer_id = TextField()
    name = TextField()
    quantity = IntegerField()

    class Meta:
        primary_key = CompositeKey("customer_id", "name")


class RemoteSaleFoldedUpTo(BaseModel):
    """Per till number, the highest receipt folded: a replayed feed never counts a sale twice."""

    till_no = IntegerField(primary_key=True)
    receipt_no = IntegerField()


ALL_MODELS = (
    *ALL_MODELS,
    RemoteSale,
    RemoteSaleLine,
    RemoteSaleFolded,
    RemoteSaleFoldedProduct,
    RemoteSaleFoldedUpTo,
)


class HlcClock(BaseModel):
    """This till's hybrid logical clock, one row (storage/clock.py)."""

    id = IntegerField(primary_key=True)
    node = TextField()
    wall_ms = IntegerField()
    counter = IntegerField()


class FieldClock(BaseModel):
    """The clock and origin till of each field of a synced record; ``deleted``: its tombstone
    (storage/field_clocks.py)."""

    entity = TextField()
    entity_id = TextField()
    field = TextField()
    clock = TextField()
    till = TextField()

    class Meta:
        primary_key = CompositeKey("entity", "entity_id", "field")


ALL_MODELS = (*ALL_MODELS, HlcClock, FieldClock)


class OutboxSetAside(BaseModel):
    """A change the back office refuses, set aside by a technician (``till sync
    --set-aside``): it stays in the outbox and is no longer sent (storage/outbox.py)."""

    seq = IntegerField(primary_key=True)
    reason = TextField()
    actor = TextField()
    at = TextField()

    class Meta:
        table_name = "outbox_set_aside"


ALL_MODELS = (*ALL_MODELS, OutboxSetAside)


class JournalRedaction(BaseModel):
    """A sale of the journal whose customer's name was erased (storage/journal_names.py):
    who did it, who approved it, and for a sale recorded before journal format 2 the hash its
    redacted form chains to (m0020; append-only)."""

    sale_id = TextField(primary_key=True)
    till_no = IntegerField()
    at = TextField()
    actor = TextField()
    approved_by = TextField()
    journal_format = IntegerField()
    residual_hash = TextField()


ALL_MODELS = (*ALL_MODELS, JournalRedaction)


class TillUser(BaseModel):
    """Someone who logs in: a role and a PIN (m0022). ``pin_tag`` finds the user a PIN
    belongs to without trying every hash; both need the pepper kept outside the database."""

    id = TextField(primary_key=True)
    name = TextField(unique=True)
    role = TextField()
    pin_hash = TextField()
    pin_tag = TextField()
    disabled = BooleanField(default=False)
    created_at = TextField()
    updated_at = TextField()
    origin = TextField(default="local")
    """``local`` (``till user add``) or ``server`` (the back office's, m0025)."""


class PinGate(BaseModel):
    """Wrong PINs counted per gate, and the end of a lockout (m0022)."""

    name = TextField(primary_key=True)
    failures = IntegerField(default=0)
    locked_until = FloatField(default=0)


ALL_MODELS = (*ALL_MODELS, TillUser, PinGate)


class Closure(BaseModel):
    """A daily (Z), monthly or yearly closure of a till: append-only, hash-chained per till
    and signed (m0024, storage/closures.py)."""

    id = TextField(primary_key=True)
    till_no = IntegerField()
    kind = TextField()
    number = IntegerField()
    """Continuous per till and kind: Z 1, 2, 3…; Month 1, 2…"""
    chain_no = IntegerField()
    """The closure's place in its till's chain, every kind together."""
    period = TextField()
    opened_at = TextField()
    closed_at = TextField()
    created_at = TextField()
    first_receipt_no = IntegerField()
    last_receipt_no = IntegerField()
    currency = TextField()
    totals = TextField()
    """JSON: ``till.core.closures.PeriodTotals``."""
    grand_total = IntegerField()
    grand_total_absolute = IntegerField()
    cash_opening = IntegerField(null=True)
    cash_expected = IntegerField(null=True)
    cash_counted = IntegerField(null=True)
    cash_difference = IntegerField(null=True)
    journal_receipt_no = IntegerField()
    journal_hash = TextField()
    actor = TextField()
    approved_by = TextField()
    previous_hash = TextField()
    hash = TextField()
    key_id = TextField()
    signature = TextField()

    class Meta:
        indexes = (
            (("till_no", "kind", "number"), True),
            (("till_no", "kind", "period"), True),
            (("till_no", "chain_no"), True),
        )


ALL_MODELS = (*ALL_MODELS, Closure)


class JournalSeal(BaseModel):
    """A signed head of a legal chain (storage/journal_seal.py); append-only."""

    id = AutoField()
    chain = TextField()
    seq = IntegerField()
    head = TextField()
    sealed_at = TextField()
    key_id = TextField()
    signature = TextField()

    class Meta:
        indexes = ((("chain", "seq"), True),)


class JournalEvent(BaseModel):
    """One entry of the technical and legal event log (storage/events.py); append-only."""

    id = TextField(primary_key=True)
    chain_seq = IntegerField(unique=True)
    at = TextField(index=True)
    till_no = IntegerField()
    kind = TextField()
    actor = TextField()
    details = TextField()


ALL_MODELS = (*ALL_MODELS, JournalSeal, JournalEvent)


class Invoice(BaseModel):
    """An invoice or a credit note as issued (storage/invoices.py, migration 26)."""

    id = TextField(primary_key=True)
    till_no = IntegerField()
    number = IntegerField()
    code = TextField()
    kind = TextField()
    sale = ForeignKeyField(Sale, column_name="sale_id", index=False)
    credits = ForeignKeyField("self", column_name="credits_id", null=True, index=False)
    customer_id = TextField(null=True)
    issued_at = TextField()
    issue_date = TextField()
    due_date = TextField()
    currency = TextField()
    net = IntegerField()
    tax = IntegerField()
    total = IntegerField()
    due = IntegerField()
    actor = TextField()
    document = TextField()


ALL_MODELS = (*ALL_MODELS, Invoice)


class Campaign(BaseModel):
    """A campaign and its offer (storage/campaigns.py, migration 31)."""

    id = TextField(primary_key=True)
    name = TextField()
    segment = TextField()
    channel = TextField()
    starts = TextField()
    ends = TextField()
    offer_kind = TextField()
    offer_value = IntegerField()
    valid_until = TextField()
    created_by = TextField()
    created_at = TextField()


class CampaignRecipient(BaseModel):
    """A customer a campaign went to, with their consent's date and their coupon."""

    campaign_id = TextField()
    customer_id = TextField()
    consent_at = TextField()
    coupon_code = TextField(null=True)

    class Meta:
        primary_key = CompositeKey("campaign_id", "customer_id")


class CouponRedemption(BaseModel):
    """A coupon used on a sale, on this till or (``from_feed``) on another."""

    id = TextField(primary_key=True)
    code = TextField()
    campaign_id = TextField()
    customer_id = TextField()
    sale_id = TextField()
    till = TextField()
    at = TextField()
    from_feed = IntegerField()


ALL_MODELS = (*ALL_MODELS, Campaign, CampaignRecipient, CouponRedemption)


class SubscriptionPlan(BaseModel):
    """A subscription plan, sold as its product (storage/subscriptions.py, migration 29)."""

    product_id = TextField(primary_key=True)
    name = TextField()
    duration = IntegerField()
    unit = TextField()
    discount_bp = IntegerField()
    categories = TextField()
    """JSON list; empty: every category."""
    active = BooleanField(default=True)
    updated_at = TextField()


class SubscriptionEntry(BaseModel):
    """One purchase of a plan by a customer, or the cancellation of one; append-only."""

    id = TextField(primary_key=True)
    customer_id = TextField()
    kind = TextField()
    plan = TextField()
    plan_name = TextField()
    discount_bp = IntegerField()
    categories = TextField()
    starts = TextField()
    ends = TextField()
    sale_id = TextField(null=True)
    cancels = TextField(null=True)
    till_no = IntegerField()
    actor = TextField()
    created_at = TextField()

    class Meta:
        indexes = ((("customer_id", "created_at"), False), (("sale_id",), False))


ALL_MODELS = (*ALL_MODELS, SubscriptionPlan, SubscriptionEntry)


class CustomerStats(BaseModel):
    """A customer's sales figures, all time, kept as the sales happen (m0030,
    storage/customer_stats.py): a refund is no visit and comes off the spend."""

    customer_id = TextField(primary_key=True)
    first_sale_at = TextField(default="")
    last_sale_at = TextField(default="")
    visits = IntegerField(default=0)
    spend = IntegerField(default=0)

    class Meta:
        without_rowid = True


class CustomerMonth(BaseModel):
    """A customer's visits and spend in one calendar month (UTC, ``YYYY-MM``; m0030)."""

    customer_id = TextField()
    month = TextField()
    visits = IntegerField(default=0)
    spend = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("customer_id", "month")
        without_rowid = True


class SavedSegment(BaseModel):
    """A named filter over the customers (m0030, storage/segments.py); the name ignores case."""

    name = TextField(primary_key=True, collation="NOCASE")
    where_text = TextField()
    money_decimals = IntegerField()
    """The currency's decimals when it was saved: ``spend>=100`` is read with them."""
    created_by = TextField()
    created_at = TextField()
    updated_at = TextField()


ALL_MODELS = (*ALL_MODELS, CustomerStats, CustomerMonth, SavedSegment)
