"""Database-specific features, one small module per concern (search, locking)."""
