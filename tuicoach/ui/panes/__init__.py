"""The panes of the main screen, one module each (see DESIGN.md, "One room per pane")."""
