"""Storage: Peewee models on SQLite and the operations the register calls, one transaction each."""
