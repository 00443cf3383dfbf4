"""The one exception family of the register: every message is one a cashier can read."""


class TillError(Exception):
    """Something the cashier or technician must be told about, in plain words."""


class ConfigError(TillError):
    """The configuration file is missing, unreadable or has a bad value."""


class InvalidSale(TillError):
    """A change to a sale that the rules refuse (bad quantity, overpaid card, empty sale)."""


class BarcodeError(TillError):
    """What was scanned or typed is not a code the register can look up."""


class UnknownProduct(TillError):
    """A well-formed code that no product in the catalog carries."""


class ImportRowError(TillError):
    """One row of an import file that cannot be imported; the others still are."""


class PrinterError(TillError):
    """The printer could not be reached or refused the job; the sale itself is safe."""


class ScannerError(TillError):
    """A scanner could not be opened or read."""


class StorageError(TillError):
    """The database could not be opened, migrated or written."""


class DatabaseBusy(StorageError):
    """Another program holds the database's write lock; waiting and trying again helps."""

    def __init__(
        self,
        message: str = "The database is busy: another program is writing to it. Nothing was "
        "saved; try again in a moment.",
    ) -> None:
        super().__init__(message)


class DiskFull(StorageError):
    """No room left on the disk for the change."""


class ReadOnlyDatabase(StorageError):
    """The file or the disk refuses writes."""


class DiskFailure(StorageError):
    """The disk failed to read or write."""


class SyncError(TillError):
    """The back office could not be reached or refused a batch."""
