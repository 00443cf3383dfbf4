"""Reusable widgets of the register."""
