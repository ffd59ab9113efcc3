"""The panes' widgets."""
