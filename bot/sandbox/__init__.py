"""Offline Telegram Bot API emulator and sandbox."""
