"""Where tweets come from and go to: the demo (sample data, no network) and X."""
