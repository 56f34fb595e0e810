"""Lifecycle definitions of citygate as data, and the pure code that loads and runs them."""
