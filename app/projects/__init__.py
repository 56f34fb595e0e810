"""Smart-city projects and their lifecycle."""
