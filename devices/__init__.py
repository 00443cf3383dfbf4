"""Devices: scanners and printers, each behind a small interface with a simulated twin."""
