"""The Slack adapter: thin Bolt listeners, Block Kit rendering, Web API delivery."""
