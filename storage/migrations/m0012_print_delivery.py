"""Print jobs say how far they went: the ``printed`` of earlier versions meant only that the
bytes were handed over (nothing was confirmed), so those jobs become ``sent``."""


def up(database) -> None:
    database.execute_sql("UPDATE print_job SET status = 'sent' WHERE status = 'printed'")
