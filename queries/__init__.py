"""Canned queries: one file per query (see the runner in this package)."""
