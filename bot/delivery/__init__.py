"""The one outbox sender: each message in its reader's language, within Telegram's limits."""
