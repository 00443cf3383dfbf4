"""Scanners. In keyboard-wedge mode a scan is a burst of keys ending in Enter in the scan field."""
