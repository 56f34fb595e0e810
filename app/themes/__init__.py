"""Theme leadership: which cities lead and which follow each smart-city theme."""
