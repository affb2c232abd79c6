"""Things that happen later: outbox delivery now; scheduled sweeps build on it."""
