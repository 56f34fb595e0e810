"""The pages people use in a browser: sessions, CSRF, templating, headers and language."""
