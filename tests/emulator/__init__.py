"""The Bot API emulator (botapi_emulator), driven through aiogram's real client."""
