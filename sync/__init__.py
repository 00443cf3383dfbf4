"""Sync with the back office. Its input is the outbox (``storage.outbox``), written with every
change a till makes; the client and server arrive with the sync work."""
