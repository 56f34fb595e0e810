"""E-mail: digests and single mails, a ledger that sends each once, and templates."""
