"""The ticket as a picture: a QR code of the check-in deep link."""

from __future__ import annotations

import io

import segno


def check_in_link(bot_username: str, ticket_code: str) -> str:
    """The deep link an organizer's phone camera opens in the bot."""
    return f"https://t.me/{bot_username}?start=checkin-{ticket_code}"


def qr_png(link: str) -> bytes:
    """A PNG QR code of the link, large enough to scan from a phone screen."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()
