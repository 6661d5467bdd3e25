"""The command line and the bot as real processes (subprocesses, signals, kills)."""
