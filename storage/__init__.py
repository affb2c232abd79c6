"""Persistence: SQLModel tables, engine/session setup, keyword-only queries, migrations."""
