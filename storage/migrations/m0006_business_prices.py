"""Sales to business customers show prices excluding tax: the receipt must say so again."""


def up(database) -> None:
    database.execute_sql(
        'ALTER TABLE "sale" ADD COLUMN "prices_excl_tax" INTEGER NOT NULL DEFAULT 0'
    )
