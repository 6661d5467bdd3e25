"""/start and /help."""
