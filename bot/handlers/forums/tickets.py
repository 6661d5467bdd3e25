"""The ticket as a picture: a QR code of the check-in deep link, drawn once per ticket."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections import OrderedDict

CACHED_TICKETS = 2_048  # pictures kept (about 0.5 KB each): a rush's tickets, shown again


def check_in_link(bot_username: str, ticket_code: str) -> str:
    """The deep link an organizer's phone camera opens in the bot."""
    return f"https://t.me/{bot_username}?start=checkin-{ticket_code}"


SCALE = 8  # pixels a module: one byte of a 1-bit row, so a module row is bytes.translate
BORDER = 4  # the quiet zone the standard asks for, in modules
_PIXELS = bytes.maketrans(b"\x00\x01", b"\xff\x00")  # segno's light/dark to white/black


def qr_png(link: str) -> bytes:
    """A PNG QR code of the link, large enough to scan from a phone screen.

    segno encodes (choosing the best mask, ~5 ms); the PNG is written here, a byte per module
    (8 pixels of a 1-bit greyscale row) and zlib, the same picture as segno's PNG writer in
    a third of its time. Still Python: call it through `TicketImages`, off the event loop.
    """
    import segno  # loaded by the first ticket drawn (in its worker thread), not at start

    matrix = segno.make(link, error="m").matrix
    width = len(matrix[0]) + 2 * BORDER
    quiet = b"\xff" * BORDER
    blank = (b"\x00" + b"\xff" * width) * (BORDER * SCALE)  # each row: filter 0, then pixels
    rows = [blank]
    rows += [(b"\x00" + quiet + bytes(row).translate(_PIXELS) + quiet) * SCALE for row in matrix]
    rows.append(blank)
    side = width * SCALE
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


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
