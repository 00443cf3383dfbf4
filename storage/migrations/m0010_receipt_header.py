"""What each receipt printed from the configuration (store, address, VAT number, footer) and
the customer's name as it was, kept with the sale: a copy reproduces the receipt as issued."""


def up(database) -> None:
    database.execute_sql('ALTER TABLE "sale" ADD COLUMN "receipt_header" TEXT')
