"""The state store seam: SQLite now (PostgreSQL later)."""
