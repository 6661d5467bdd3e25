"""ppo-bot: a Telegram bot for party members and forum participants."""

__version__ = "0.1.0"
