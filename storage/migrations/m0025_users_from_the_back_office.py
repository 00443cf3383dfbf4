"""Users the back office manages (``till server user add``) beside the till's own: where each
user comes from, so that the till checks a PIN with the right pepper and leaves the back
office's users to the back office."""

STATEMENTS = [
    """ALTER TABLE "till_user" ADD COLUMN "origin" TEXT NOT NULL DEFAULT 'local'
        CHECK ("origin" IN ('local', 'server'))""",
    """DROP INDEX "till_user_active_pin\"""",
    """CREATE UNIQUE INDEX "till_user_active_pin" ON "till_user" ("origin", "pin_tag")
        WHERE "disabled" = 0""",
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
