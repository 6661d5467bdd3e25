"""`ppo-bot demo-data`: a synthetic member registry (no real people) for demos and load tests."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli.base import EXIT_OK, fail, os_reason, settings_from
from bot.cli.import_members import print_summary, run_import

DEFAULT_OUT = Path("data/demo-members.csv")


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add `demo-data`."""
    parser = subparsers.add_parser(
        "demo-data",
        parents=[common],
        help="write a synthetic member registry (CSV), and optionally import it",
        description=(
            "Write N synthetic members (valid IINs and phones, names, regions, organisations; "
            "no real people) as a registry CSV that `import-members` reads."
        ),
    )
    parser.add_argument(
        "--members", type=_count, required=True, metavar="N", help="how many members"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="PATH",
        help=f"the CSV to write (default: {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--seed", type=int, default=0, metavar="S", help="same seed, same members (default: 0)"
    )
    parser.add_argument(
        "--import",
        dest="import_file",
        action="store_true",
        help="then import the file into the configured database",
    )
    parser.set_defaults(func=execute)


def _count(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = -1
    if number < 0:
        msg = f"expected a number of members, 0 or more, got {text}"
        raise argparse.ArgumentTypeError(msg)
    return number


def execute(args: argparse.Namespace) -> int:
    """Write the file; with --import, import it too."""
    # Its name lists and towns cost ~1 MB resident: not in every `ppo-bot run` process.
    from bot.demo.registry import generate_members, write_csv

    settings = settings_from(args)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        written = write_csv(args.out, generate_members(args.members, seed=args.seed))
    except OSError as error:
        fail(f"cannot write {args.out}: {os_reason(error)}")
    print(f"wrote {written} members to {args.out}")
    if args.import_file:
        print_summary(run_import(settings, args.out))
    return EXIT_OK
