"""Benchmarks of the register, each against a floor measured in the same run: `make bench`."""
