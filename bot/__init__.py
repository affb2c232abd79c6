"""The composition root and the platforms Baton speaks on (Slack, the console)."""
