"""The server's own tables (not the till's storage/models.py), bound to the database the
``--db`` URL names. Portable SQL only: SQLite, PostgreSQL, and CockroachDB by configuration."""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CompositeKey,
    DatabaseProxy,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()
"""Initialised by ``sync.server.store.open_server_database``."""


class ServerModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Till(ServerModel):
    """A till (or an integration) allowed to sync: its token is kept only as a SHA-256."""

    name = TextField(unique=True)
    token_hash = TextField(unique=True)
    revoked = BooleanField(default=False)
    created_at = TextField()


class FeedCounter(ServerModel):
    """One row: the last number given in the change feed. A push updates it inside its
    transaction, so pushes number their changes one after the other, in commit order."""

    id = IntegerField(primary_key=True)
    value = BigIntegerField()


class AcceptedBatch(ServerModel):
    """A push that was applied: a replay of its key gets ``answer`` back, and changes nothing."""

    till = TextField()
    key = TextField()
    digest = TextField()
    """SHA-256 of the batch's changes: the same key with other changes is refused."""
    answer = TextField()
    accepted_at = TextField()

    class Meta:
        primary_key = CompositeKey("till", "key")


class FeedEntry(ServerModel):
    """One accepted change, numbered in the feed every till pulls."""

    seq = BigIntegerField(primary_key=True)
    till = TextField()
    till_seq = BigIntegerField()
    """The change's number in its till's outbox: the same change pushed twice is one entry."""
    entity = TextField()
    entity_id = TextField()
    operation = TextField()
    payload = TextField()
    received_at = TextField()

    class Meta:
        indexes = ((("till", "till_seq"), True),)


class LedgerEntry(ServerModel):
    """A points or account movement from any till: the union of every till's entries."""

    id = TextField(primary_key=True)
    ledger = TextField()
    """``loyalty_entry`` or ``account_entry``."""
    customer_id = TextField(index=True)
    kind = TextField()
    value = BigIntegerField()
    sale_id = TextField(null=True)
    reason = TextField()
    actor = TextField()
    at = TextField()
    till = TextField()


class ServerCustomer(ServerModel):
    """The customer file as the server holds it: the fields as JSON, as the tills sent them."""

    id = TextField(primary_key=True)
    code = TextField(unique=True)
    fields = TextField()
    created_at = TextField()
    updated_at = TextField()
    till = TextField()
    deleted = BooleanField(default=False)


SERVER_MODELS: tuple[type[ServerModel], ...] = (
    Till,
    FeedCounter,
    AcceptedBatch,
    FeedEntry,
    LedgerEntry,
    ServerCustomer,
)


class ServerSale(ServerModel):
    """A sale from any till, summed up for a customer's history (sync/server/sales.py): the
    whole sale stays in the feed."""

    id = TextField(primary_key=True)
    customer_id = TextField(null=True)
    till = TextField()
    till_no = IntegerField()
    receipt_no = BigIntegerField()
    receipt_code = TextField()
    created_at = TextField()
    """UTC, ISO 8601: times from every till compare as text."""
    store = TextField()
    seller = TextField()
    total = BigIntegerField()
    item_count = BigIntegerField()
    methods = TextField()
    refund_of = TextField(null=True)

    class Meta:
        indexes = ((("customer_id", "created_at", "id"), False),)


SERVER_MODELS = (*SERVER_MODELS, ServerSale)


class ServerFieldClock(ServerModel):
    """The clock and the till of each field the server holds of a customer or an address
    (``deleted``: its tombstone), for the field-by-field merge (sync/server/customers.py)."""

    entity = TextField()
    entity_id = TextField()
    field = TextField()
    clock = TextField()
    till = TextField()

    class Meta:
        primary_key = CompositeKey("entity", "entity_id", "field")


class ServerCustomerAddress(ServerModel):
    """A customer's extra address, its fields as JSON as the tills send them."""

    id = TextField(primary_key=True)
    customer_id = TextField(index=True)
    fields = TextField()
    till = TextField()
    """The till that made it."""
    deleted = BooleanField(default=False)
    created_at = TextField()
    updated_at = TextField()


class ServerMergeLoss(ServerModel):
    """A value that lost a merge, beside the one kept, with both clocks and tills."""

    id = TextField(primary_key=True)
    entity = TextField()
    entity_id = TextField(index=True)
    field = TextField()
    lost_value = TextField()
    """JSON."""
    lost_clock = TextField()
    lost_till = TextField()
    kept_value = TextField()
    kept_clock = TextField()
    kept_till = TextField()
    at = TextField()


SERVER_MODELS = (*SERVER_MODELS, ServerFieldClock, ServerCustomerAddress, ServerMergeLoss)


class IntegrationScope(ServerModel):
    """What an integration's token may do (``customers:read``, …), one row per scope. A row of
    ``till`` that has scopes is an integration (a web shop, an ERP): it uses the web service
    and cannot push or pull as a till."""

    name = TextField()
    scope = TextField()

    class Meta:
        primary_key = CompositeKey("name", "scope")


class ServerCounter(ServerModel):
    """A named counter the web service takes numbers from (the customer codes it gives, each
    integration's changes), inside the transaction that uses the number."""

    name = TextField(primary_key=True)
    value = BigIntegerField()


class CustomerSearchKey(ServerModel):
    """A server customer's search keys, folded as the till folds them
    (storage/customer_keys.py), so the web service finds customers by prefix ranges."""

    customer_id = TextField(primary_key=True)
    code = TextField(index=True)
    name_key = TextField(index=True)
    alt_key = TextField(index=True)
    company_key = TextField(index=True)
    email_key = TextField(index=True)
    phone_key = TextField(index=True)
    landline_key = TextField(index=True)
    card_number = TextField(index=True)


SERVER_MODELS = (*SERVER_MODELS, IntegrationScope, ServerCounter, CustomerSearchKey)


class CatalogProduct(ServerModel):
    """A product of the back office's catalog (``till server import products``), by barcode:
    one barcode, one product, its id the one every till gives it."""

    id = TextField(primary_key=True)
    code = TextField(unique=True)
    name = TextField()
    price = BigIntegerField()
    vat_rate_bp = IntegerField()
    category = TextField()
    cost = BigIntegerField()
    promo_price = BigIntegerField(null=True)
    discountable = BooleanField()
    updated_at = TextField()


class CatalogPrice(ServerModel):
    """A product's price on a customer price list (``till server import prices``)."""

    price_code = TextField()
    code = TextField()
    price = BigIntegerField()
    updated_at = TextField()

    class Meta:
        primary_key = CompositeKey("price_code", "code")


SERVER_MODELS = (*SERVER_MODELS, CatalogProduct, CatalogPrice)


class ServerCustomerMerge(ServerModel):
    """A duplicate customer merged into the one kept (sync/server/merges.py): the merged-away
    customer stays, marked, and what arrives for it later goes to the survivor."""

    other_id = TextField(primary_key=True)
    keep_id = TextField(index=True)
    clock = TextField()
    till = TextField()
    at = TextField()


SERVER_MODELS = (*SERVER_MODELS, ServerCustomerMerge)


class ServerAnonymised(ServerModel):
    """A customer whose personal data was erased (sync/server/privacy.py): when, from which
    till, by whom and approved by whom; later edits of it are not applied."""

    customer_id = TextField(primary_key=True)
    till = TextField()
    at = TextField()
    actor = TextField()
    approved_by = TextField()


SERVER_MODELS = (*SERVER_MODELS, ServerAnonymised)


class ServerUser(ServerModel):
    """A user the back office manages (``till server user add``): every till of the business
    gets them through the feed, with the hash and tag made with the business's pepper."""

    id = TextField(primary_key=True)
    name = TextField(unique=True)
    role = TextField()
    pin_hash = TextField()
    pin_tag = TextField()
    disabled = BooleanField(default=False)
    updated_at = TextField()


SERVER_MODELS = (*SERVER_MODELS, ServerUser)


class ServerJournalHead(ServerModel):
    """The last head of each of a till's journal chains that the till sent (its anchor), and
    the till's public key as first seen: a head that goes back, or is not signed by that key,
    is a journal cut off or rewritten on the till."""

    till = TextField()
    chain = TextField()
    seq = BigIntegerField()
    head = TextField()
    sealed_at = TextField()
    signature = TextField()
    received_at = TextField()

    class Meta:
        primary_key = CompositeKey("till", "chain")


class ServerTillKey(ServerModel):
    till = TextField(primary_key=True)
    public_key = TextField()
    first_seen = TextField()
    problem = TextField(default="")
    """The last refusal of a head from this till (went back, bad signature) as data, its
    message id and values (``till.core.message_data``; an English sentence if written
    before), or empty."""


SERVER_MODELS = (*SERVER_MODELS, ServerJournalHead, ServerTillKey)


class ServerInvoice(ServerModel):
    """An invoice or credit note from a till, as issued (sync/server/invoices.py): the columns
    a back office looks up by, and the document whole. A number names one invoice only."""

    id = TextField(primary_key=True)
    till = TextField()
    till_no = IntegerField()
    number = BigIntegerField()
    code = TextField(unique=True)
    kind = TextField()
    sale_id = TextField()
    credits_id = TextField(null=True)
    customer_id = TextField(null=True)
    issued_at = TextField()
    issue_date = TextField()
    due_date = TextField()
    currency = TextField()
    total = BigIntegerField()
    due = BigIntegerField()
    actor = TextField()
    document = TextField()

    class Meta:
        indexes = ((("customer_id", "issue_date"), False),)


SERVER_MODELS = (*SERVER_MODELS, ServerInvoice)
