"""The portfolio at a glance: matrix, pipeline, bottlenecks, gaps, similar projects, open data."""
