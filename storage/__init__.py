"""Persistence: SQLModel tables, engine/session setup, migrations, and the only SQL in Baton.

Queries are small keyword-only functions, one module per domain: people (members, departments),
tasks, standups, outbox (with outbox_bulk), deliveries (keys of events already handled),
reminder_state (when each task and person is next looked at); inserts holds the one
"insert, ignoring duplicates" both databases share."""
