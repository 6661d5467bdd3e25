"""`ppo-bot certificates --forum ID [--training ID] --out DIR`: every certificate as a PDF."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.base import EXIT_OK, fail, in_language, of_forum, settings_from, write_paths
from bot.config import LANGUAGES, Settings

if TYPE_CHECKING:
    from bot.cli.export import Parsers
    from bot.domain.certificates import Certificate


async def _bot_username(settings: Settings) -> str:
    """The bot's username from Telegram (getMe), for the QR codes' links."""
    from aiogram import Bot

    from bot.telegram_session import create_session

    assert settings.telegram.token is not None
    bot = Bot(
        settings.telegram.token.get_secret_value(), create_session(settings.telegram.api_base)
    )
    try:
        me = await bot.get_me()
    finally:
        await bot.session.close()
    return me.username or ""


def write_certificates(args: argparse.Namespace) -> int:
    """Issue what is missing for ended trainings, then write CERTIFICATE-CODE.pdf into --out."""
    settings = settings_from(args)
    username = args.bot
    if username is None:
        if settings.telegram.token is None:
            fail("give --bot USERNAME (the QR codes link to the bot), or set telegram.token")
        try:
            username = asyncio.run(_bot_username(settings))
        except Exception as error:
            fail(
                f"cannot ask Telegram for the bot's username ({type(error).__name__}): give --bot"
            )
    which = f"training {args.training} at the forum" if args.training else "forum"
    found = of_forum(
        settings,
        args.forum,
        lambda services: services.certificates.of_forum(args.forum, args.training),
        what=which,
    )
    from bot.handlers.certificates.notices import (
        certificate_filename,
        certificate_page,
        verify_link,
    )
    from bot.handlers.certificates.pdf import certificate_pdf

    language = args.language or settings.org.default_language

    def pdf(certificate: Certificate) -> bytes:
        page = in_language(
            settings,
            language,
            lambda: certificate_page(
                certificate,
                language,
                organisation=settings.org.name.get(language),
                tz=settings.org.tz,
                link=verify_link(username, certificate.code),
            ),
        )
        return certificate_pdf(page)

    write_paths(
        ((args.out / certificate_filename(c), pdf(c)) for c in found),
        where=f"into {args.out}",
        directory=args.out,
    )
    unnamed = sum(not certificate.holder_name for certificate in found)
    print(f"{len(found)} certificates written", file=sys.stderr)
    if unnamed:
        print(
            f"{unnamed} of them belong to guests without a membership record: "
            "their name line is empty (the bot prints their Telegram name)",
            file=sys.stderr,
        )
    return EXIT_OK


def register(subparsers: Parsers, common: argparse.ArgumentParser) -> None:
    """Add `certificates`."""
    parser = subparsers.add_parser(
        "certificates",
        parents=[common],
        help="the certificates of a forum's trainings as PDF files",
        description=(
            "Issues the missing certificates of the forum's trainings that have ended (their "
            "holders get them in the bot too), then writes every one as certificate-CODE.pdf."
        ),
    )
    parser.add_argument("--forum", type=int, required=True, help="the forum's id")
    parser.add_argument("--training", type=int, default=None, help="only this training")
    parser.add_argument("--out", type=Path, required=True, help="the folder to write into")
    parser.add_argument(
        "--language",
        choices=LANGUAGES,
        default=None,
        help="of the certificates (default: org.default_language)",
    )
    parser.add_argument(
        "--bot",
        default=None,
        help="the bot's username, for the QR codes' links (default: asked from Telegram)",
    )
    parser.set_defaults(func=write_certificates)
