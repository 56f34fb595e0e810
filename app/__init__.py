"""citygate: smart-city projects carried from idea to city-wide use through stage gates."""
