"""Changes a technician set aside because the back office refuses them (one bad row would
otherwise stop every change queued behind it). They stay in the outbox; this says which, why,
who and when."""


def up(database) -> None:
    database.execute_sql(
        'CREATE TABLE "outbox_set_aside" ("seq" INTEGER NOT NULL PRIMARY KEY, '
        '"reason" TEXT NOT NULL, "actor" TEXT NOT NULL, "at" TEXT NOT NULL)'
    )
