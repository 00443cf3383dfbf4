"""Domain rules with no UI and no database: money, tax, barcodes, the sale in progress."""
