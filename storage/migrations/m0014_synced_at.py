"""When this till last finished a complete sync (pushed everything, pulled everything), in
seconds since the epoch: what tells the till whether it is offline."""


def up(database) -> None:
    database.execute_sql("INSERT INTO sync_state (name, value) VALUES ('synced_at', 0)")
