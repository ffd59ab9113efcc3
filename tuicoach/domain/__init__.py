"""Pure domain code: models, text measurement, owed replies. No I/O, no UI."""
