"""KPIs of projects and their measurements, tied to the stage they were taken in."""
