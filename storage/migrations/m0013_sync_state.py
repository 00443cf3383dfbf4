"""Where this till stands with the back office: the feed cursor it has pulled up to and the
last outbox row the server confirmed, each moved in the transaction of what it counts."""


def up(database) -> None:
    database.execute_sql(
        'CREATE TABLE "sync_state" ("name" TEXT NOT NULL PRIMARY KEY, "value" INTEGER NOT NULL)'
    )
    database.execute_sql(
        "INSERT INTO sync_state (name, value) VALUES ('pull_cursor', 0), ('pushed_up_to', 0)"
    )
