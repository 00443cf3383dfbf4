"""The tables. Rows that sync carry a UUIDv7 text id; money is integer minor units."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CompositeKey,
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

    class Meta:
        indexes = ((("till_no", "receipt_no"), True),)


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


ALL_MODELS = (SchemaVersion, Product, Barcode, Sale, SaleLine, SaleVat, SalePayment, Outbox)
