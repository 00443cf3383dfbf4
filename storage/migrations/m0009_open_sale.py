"""The sale in progress, one row per till, kept as it changes so a crash or a power cut does
not lose it."""


def up(database) -> None:
    database.execute_sql(
        """CREATE TABLE "open_sale" ("till_no" INTEGER NOT NULL PRIMARY KEY,
            "revision" INTEGER NOT NULL, "cart" TEXT, "saved_at" TEXT NOT NULL)"""
    )
