"""Reference data: cities, smart-city themes and the knelpunt/versneller categories."""
