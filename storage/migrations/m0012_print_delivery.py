"""Print jobs say how far they went: the ``printed`` of earlier versions meant only that the
bytes were handed over (nothing was confirmed), so those jobs become ``sent``. The receipt
screen asks what became of one sale's receipt: an index on the sale finds its jobs."""


def up(database) -> None:
    database.execute_sql("UPDATE print_job SET status = 'sent' WHERE status = 'printed'")
    database.execute_sql(
        'CREATE INDEX IF NOT EXISTS "print_job_sale_id" ON "print_job" ("sale_id")'
    )
