"""The print queue: a receipt job is written with its sale, and printed when the printer can."""

STATEMENTS = [
    """CREATE TABLE "print_job" ("id" TEXT NOT NULL PRIMARY KEY, "sale_id" TEXT NOT NULL,
        "kind" TEXT NOT NULL, "kick_drawer" INTEGER NOT NULL, "status" TEXT NOT NULL,
        "attempts" INTEGER NOT NULL, "last_error" TEXT NOT NULL, "created_at" TEXT NOT NULL,
        "printed_at" TEXT NOT NULL,
        FOREIGN KEY ("sale_id") REFERENCES "sale" ("id"))""",
    'CREATE INDEX "print_job_status_created_at" ON "print_job" ("status", "created_at")',
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
