"""Documents attached to projects by reference."""
