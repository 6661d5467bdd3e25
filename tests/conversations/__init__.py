"""Chat-level tests: the real bot through the Bot API emulator over HTTP."""
