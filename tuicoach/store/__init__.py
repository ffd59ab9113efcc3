"""The local store: one SQLite database per account."""
