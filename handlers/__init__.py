"""Baton's brain: typed commands in, typed replies and notifications out. No chat platform here."""
