"""Read access to the published workflow versions."""
