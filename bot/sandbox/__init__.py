"""The offline sandbox: the web chat that talks to the real bot through the Bot API emulator."""
