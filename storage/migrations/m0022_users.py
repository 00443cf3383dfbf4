"""Users with a role and their own PIN (hashed with scrypt over a pepper kept outside the
database), and the PIN gate: wrong PINs counted in the database, so that neither a restart,
a deleted file nor forty processes guessing at once escape the lockout."""

STATEMENTS = [
    """CREATE TABLE "till_user" (
        "id" TEXT NOT NULL PRIMARY KEY,
        "name" TEXT NOT NULL COLLATE NOCASE UNIQUE,
        "role" TEXT NOT NULL CHECK ("role" IN ('viewer', 'cashier', 'manager', 'admin')),
        "pin_hash" TEXT NOT NULL,
        "pin_tag" TEXT NOT NULL,
        "disabled" INTEGER NOT NULL DEFAULT 0,
        "created_at" TEXT NOT NULL,
        "updated_at" TEXT NOT NULL)""",
    """CREATE UNIQUE INDEX "till_user_active_pin" ON "till_user" ("pin_tag")
        WHERE "disabled" = 0""",
    """CREATE TABLE "pin_gate" (
        "name" TEXT NOT NULL PRIMARY KEY,
        "failures" INTEGER NOT NULL DEFAULT 0,
        "locked_until" REAL NOT NULL DEFAULT 0)""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
