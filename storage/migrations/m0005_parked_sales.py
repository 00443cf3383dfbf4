"""Parked sales: a cart put aside under a name, on this till, to be resumed later."""


def up(database) -> None:
    database.execute_sql(
        """CREATE TABLE "parked_sale" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL,
            "till_no" INTEGER NOT NULL, "created_at" TEXT NOT NULL, "total" INTEGER NOT NULL,
            "item_count" INTEGER NOT NULL, "cart" TEXT NOT NULL)"""
    )
