"""`ppo-bot` subcommands, one module each with a `register(subparsers, common)` function.

`bot.cli.main` parses the command line; a new subcommand is a new module here and one line
in `bot.cli.main.SUBCOMMANDS`.
"""
