"""Extraction: every format into the block model (see docs/CONTRACTS.md)."""
