"""Use cases: each owns its transaction; none imports aiogram."""
