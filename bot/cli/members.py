"""`ppo-bot grant | revoke | invite | audit`: membership administration from the command line."""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from bot.cli.base import EXIT_OK, fail, os_reason, settings_from
from bot.config import Settings
from bot.db.audit import stream_audit
from bot.db.engine import Database
from bot.domain.errors import DomainError, ErrorCode
from bot.domain.iin import InvalidIinError
from bot.domain.numbers import parse_id
from bot.domain.roles import Grant
from bot.services.access import parse_grant

if TYPE_CHECKING:
    from bot.app import Services

T = TypeVar("T")

_REFUSALS = {
    ErrorCode.UNKNOWN_ROLE: "unknown role (use organizer, reviewer or republican)",
    ErrorCode.ROLE_FOR_ALL_REGIONS: "the republican editorial group reviews all regions: use all",
    ErrorCode.UNKNOWN_REGION: "unknown region (use a code such as TRK, or all)",
    ErrorCode.NOT_FOUND: "no member with this IIN in the registry",
}


def _run(args: argparse.Namespace, work: Callable[[Settings, Database], Awaitable[T]]) -> T:
    settings = settings_from(args)

    async def main() -> T:
        from bot.app import migrated_database  # aiogram and every service: only when run

        async with migrated_database(settings) as database:
            return await work(settings, database)

    try:
        return asyncio.run(main())
    except DomainError as error:
        fail(_REFUSALS.get(error.code, error.code.value))
    except InvalidIinError as error:
        fail(f"not a valid IIN: {error}")
    raise AssertionError  # fail() exits


def _services(settings: Settings, database: Database) -> Services:
    from bot.app import Services  # the composition root knows how services are built

    return Services.build(database, settings)


def grant(args: argparse.Namespace) -> int:
    """Appoint an organizer or reviewer."""
    role = _parse_role(args)

    async def work(settings: Settings, database: Database) -> bool:
        return bool(await _services(settings, database).access.grant(None, args.telegram_id, role))

    added = _run(args, work)
    print("granted" if added else "already granted")
    return EXIT_OK


def revoke(args: argparse.Namespace) -> int:
    """Dismiss an organizer or reviewer."""
    role = _parse_role(args)

    async def work(settings: Settings, database: Database) -> bool:
        return bool(
            await _services(settings, database).access.revoke(None, args.telegram_id, role)
        )

    removed = _run(args, work)
    print("revoked" if removed else "had no such role")
    return EXIT_OK


def _parse_role(args: argparse.Namespace) -> Grant:
    try:
        return parse_grant(args.role, args.region)
    except DomainError as error:
        fail(_REFUSALS[error.code])
    raise AssertionError  # fail() exits


def invite(args: argparse.Namespace) -> int:
    """Issue a one-time invite code for a member."""

    async def work(settings: Settings, database: Database) -> tuple[str, datetime]:
        linking = _services(settings, database).linking
        code, expires_at = await linking.issue_invite(None, args.iin)
        return code, expires_at.astimezone(settings.org.tz)

    code, expires_at = _run(args, work)
    print(f"invite code: {code}  (one use, valid until {expires_at:%Y-%m-%d %H:%M %Z})")
    print("the member sends /code to the bot and types it")
    return EXIT_OK


def _open_output(path: Path) -> TextIO:
    try:
        return path.open("w", newline="", encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {path}: {os_reason(error)}")


def audit(args: argparse.Namespace) -> int:
    """Export the audit log as CSV."""

    async def work(settings: Settings, database: Database) -> int:
        since = datetime.combine(args.since, datetime.min.time(), UTC) if args.since else None
        out = _open_output(args.out) if args.out else sys.stdout
        count = 0
        try:
            writer = csv.writer(out)
            writer.writerow(
                ["at_utc", "actor_telegram_id", "action", "member_id", "member_iin", "reason"]
            )
            async with database.read() as connection:
                async for entry in stream_audit(connection, since=since):
                    iin = "••••••••" + entry.member_iin[-4:] if entry.member_iin else ""
                    writer.writerow(
                        [
                            entry.at.isoformat(),
                            entry.actor_id or "",
                            entry.action,
                            entry.member_id or "",
                            iin,
                            entry.reason,
                        ]
                    )
                    count += 1
        finally:
            if args.out:
                out.close()
        return count

    count = _run(args, work)
    if args.out:
        print(f"{count} audit entries written to {args.out}", file=sys.stderr)
    return EXIT_OK


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        msg = f"expected a date as YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _telegram_id(text: str) -> int:
    telegram_id = parse_id(text)
    if telegram_id is None:
        msg = f"not a Telegram user id: {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return telegram_id


def register(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
) -> None:
    """Add grant, revoke, invite and audit."""
    for name, func, summary in (
        ("grant", grant, "appoint an organizer, reviewer or republican reviewer"),
        ("revoke", revoke, "dismiss an organizer, reviewer or republican reviewer"),
    ):
        parser = subparsers.add_parser(name, parents=[common], help=summary, description=summary)
        parser.add_argument("telegram_id", type=_telegram_id, help="the person's Telegram user id")
        parser.add_argument(
            "role", help="organizer, reviewer or republican (the republican editorial group)"
        )
        parser.add_argument("region", help="a region code such as TRK, or all")
        parser.set_defaults(func=func)
    parser = subparsers.add_parser(
        "invite",
        parents=[common],
        help="issue a one-time invite code for a member",
        description="Issue a one-time code with which the member links their Telegram account.",
    )
    parser.add_argument("iin", help="the member's IIN")
    parser.set_defaults(func=invite)
    parser = subparsers.add_parser(
        "audit",
        parents=[common],
        help="export the audit log (CSV)",
        description="Who read or changed whose record, when and why, as CSV (IINs masked).",
    )
    parser.add_argument("--out", type=Path, help="file to write (default: standard output)")
    parser.add_argument(
        "--since",
        type=_day,
        help="only entries from this date (YYYY-MM-DD, UTC)",
    )
    parser.set_defaults(func=audit)
