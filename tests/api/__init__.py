"""The API suite: HTTP-level tests of the contract, on PostgreSQL and SQLite."""
