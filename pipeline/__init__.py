"""The pipeline: reads archived originals, extracts blocks, parses the statistical tables, validates them.

It never touches the network, so it can re-run over the whole archive.
"""
