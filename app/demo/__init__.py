"""The demo portfolio: projects from the G40 report's own examples."""
