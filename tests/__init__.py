"""The test suite; its packages mirror `bot/` (see README, "How the code is organised")."""
