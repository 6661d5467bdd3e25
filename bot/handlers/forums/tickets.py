"""The ticket as a picture: a QR code of the check-in deep link, drawn once per ticket."""

from __future__ import annotations

import asyncio
import io
from collections import OrderedDict

CACHED_TICKETS = 2_048  # pictures kept (about 0.5 KB each): a rush's tickets, shown again


def check_in_link(bot_username: str, ticket_code: str) -> str:
    """The deep link an organizer's phone camera opens in the bot."""
    return f"https://t.me/{bot_username}?start=checkin-{ticket_code}"


def qr_png(link: str) -> bytes:
    """A PNG QR code of the link, large enough to scan from a phone screen.

    Pure Python and about 10-20 ms: call it through `TicketImages`, never on the event loop.
    """
    import segno  # loaded by the first ticket drawn (in its worker thread), not at start

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


class TicketImages:
    """Each ticket's picture, drawn once in a worker thread and kept (least recently used out).

    Several presses for the same ticket at once share one drawing.
    """

    def __init__(self, size: int = CACHED_TICKETS) -> None:
        self._size = size
        self._done: OrderedDict[str, bytes] = OrderedDict()
        self._drawing: dict[str, asyncio.Future[bytes]] = {}

    async def png(self, link: str) -> bytes:
        """The PNG of the link's QR code."""
        if (ready := self._done.get(link)) is not None:
            self._done.move_to_end(link)
            return ready
        drawing = self._drawing.get(link)
        if drawing is None:
            drawing = asyncio.ensure_future(asyncio.to_thread(qr_png, link))
            self._drawing[link] = drawing
            drawing.add_done_callback(lambda done: self._keep(link, done))
        return await asyncio.shield(drawing)

    def _keep(self, link: str, done: asyncio.Future[bytes]) -> None:
        self._drawing.pop(link, None)
        if done.cancelled() or done.exception() is not None:
            return
        self._done[link] = done.result()
        while len(self._done) > self._size:
            self._done.popitem(last=False)
