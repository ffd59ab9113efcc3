"""The panes, each owning its state and its workers (DESIGN.md, "One room per pane")."""
