"""Filters several features share."""

from aiogram import F

# What a person types as an answer in a conversation: text that is not a /command, so that
# commands keep working in the middle of one.
TYPED_TEXT = F.text & ~F.text.startswith("/")
