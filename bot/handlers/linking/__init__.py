"""Linking a Telegram account to a membership record."""
