"""The back-office server: tills push their outbox to it and pull every till's changes."""
