"""The coach: rules from RULEBOOK.md that read a draft and the account. Pure; no I/O, no UI."""
