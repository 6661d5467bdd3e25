"""`python -m bot` runs the same CLI as `ppo-bot`."""

from bot.cli.main import main

raise SystemExit(main())
