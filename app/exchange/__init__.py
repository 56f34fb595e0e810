"""Spreadsheet exchange: the G40 inventory in and out, one project per row."""
