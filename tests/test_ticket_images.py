"""A ticket's QR code is drawn once, in a worker thread, and kept."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
import segno
import zxingcpp
from PIL import Image

from bot.handlers.forums import tickets
from bot.handlers.forums.tickets import TicketImages, check_in_link, qr_png


async def test_each_ticket_is_drawn_once_off_the_event_loop(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn: list[tuple[str, threading.Thread]] = []

    def drawing(link: str) -> bytes:
        drawn.append((link, threading.current_thread()))
        return qr_png(link)

    monkeypatch.setattr(tickets, "qr_png", drawing)
    images = TicketImages(size=2)
    first, second = check_in_link("ppo_bot", "AAAA"), check_in_link("ppo_bot", "BBBB")
    # two presses for the same ticket at once share one drawing
    together = await asyncio.gather(images.png(first), images.png(first))
    assert together == [qr_png(first)] * 2
    assert [link for link, _ in drawn] == [first]
    assert drawn[0][1] is not threading.main_thread()
    await images.png(first)  # shown again: kept
    await images.png(second)
    assert [link for link, _ in drawn] == [first, second]
    await images.png(check_in_link("ppo_bot", "CCCC"))  # a third: the least recent goes
    await images.png(second)
    await images.png(first)
    assert [link for link, _ in drawn].count(first) == 2
    assert [link for link, _ in drawn].count(second) == 1


def test_the_ticket_reads_back_as_its_link_and_is_segnos_picture() -> None:
    link = check_in_link("ppo_demo_bot", "Zx9-Kq2_AbCdEfGh")
    picture = Image.open(io.BytesIO(qr_png(link)))
    assert [code.text for code in zxingcpp.read_barcodes(picture)] == [link]
    theirs = io.BytesIO()
    segno.make(link, error="m").save(theirs, kind="png", scale=8, border=4)
    reference = Image.open(theirs)
    assert picture.size == reference.size
    assert picture.convert("L").tobytes() == reference.convert("L").tobytes()
