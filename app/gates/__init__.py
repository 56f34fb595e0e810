"""Gate reviews: readiness, submission, the board's votes and its decision."""
