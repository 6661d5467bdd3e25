"""`ppo-bot` subcommands, one module each: a `register(subparsers, common)` function.

A new subcommand is a new module here and one line in `bot.cli.SUBCOMMANDS`.
"""
