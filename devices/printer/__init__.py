"""Receipt printing: a device-independent document, rendered to ESC/POS or to text."""
