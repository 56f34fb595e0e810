"""Reminders: rules from the workflow file, swept over due dates in the database."""
