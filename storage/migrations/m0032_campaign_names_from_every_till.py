"""A campaign's name is unique among this till's own campaigns only (docs/campaigns.md): a
campaign another till made under the same name before they synced is kept too, so its
recipients' coupons work here. The till checks a name before it makes a campaign; a name two
campaigns share names the first made (storage/campaigns.py, ``campaign_named``)."""

STATEMENTS = [
    'DROP INDEX "campaign_name"',
    'CREATE INDEX "campaign_name" ON "campaign" ("name", "created_at")',
]


def up(database) -> None:
    for statement in STATEMENTS:
        database.execute_sql(statement)
