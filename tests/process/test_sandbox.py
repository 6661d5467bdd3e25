"""The sandbox: its web chat's HTTP API against a running emulator + bot, seeding, --reset."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import socket
import sys
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.app import Services
from bot.cli.sandbox import TOKEN, Sandbox
from bot.clock import utcnow
from bot.config import parse_settings
from bot.db.engine import Database, create_engine
from bot.db.events import EventRepository
from bot.db.members import MemberRepository
from bot.db.migrate import upgrade_to_head
from bot.db.registrations import RegistrationRepository
from bot.db.tables.accounts import roles
from bot.db.tables.outbox import outbox
from bot.db.tables.registry import members
from bot.demo.events import (
    DEMO_PROPOSALS,
    NEAR_DUPLICATE_TITLE,
    QUESTION_AFTER,
    SIMILAR_TEXT,
    SIMILAR_TITLE,
)
from bot.demo.world import DEMO_APPROVAL_THRESHOLD, DemoWorld, seed_demo_world
from bot.domain.audiences import Audience, AudienceKind
from bot.domain.errors import DomainError
from bot.domain.iin import is_valid_iin
from bot.domain.notices import NoticeKind
from bot.sandbox import webchat
from bot.sandbox.webchat import PAGES
from bot.services.access import AccessService
from bot.services.broadcasts import Draft as BroadcastDraft
from bot.services.still_coming import StillComingService
from tests.chat import HandledUpdates

ACTION = {"X-Sandbox-Action": "1"}


class WebClient:
    """The page's side of the API: act as a demo person, wait until the bot is done, read."""

    def __init__(
        self, session: aiohttp.ClientSession, sandbox: Sandbox, handled: HandledUpdates
    ) -> None:
        self.session = session
        self.base = sandbox.url.rstrip("/")
        self.world: DemoWorld = sandbox.world
        self._handled = handled

    async def act(self, user_id: int, action: str, **body: Any) -> None:
        async with self.session.post(
            f"{self.base}/api/chats/{user_id}/{action}", json=body, headers=ACTION
        ) as response:
            result = await response.json()
        assert result["ok"], result
        await self._handled.wait(result["update_id"])

    async def chat(self, user_id: int) -> dict[str, Any]:
        async with self.session.get(f"{self.base}/api/chats/{user_id}") as response:
            assert response.status == 200
            chat: dict[str, Any] = await response.json()
            return chat

    async def last_bot_message(self, user_id: int) -> dict[str, Any]:
        chat = await self.chat(user_id)
        return next(m for m in reversed(chat["messages"]) if m["from"] == "bot")


def sandbox_settings() -> Any:
    """What a config file with only the organisation's settings gives."""
    return parse_settings({"org": {"default_language": "kk"}})


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    """The whole sandbox on a free port, a small demo world in a temporary folder."""
    async with Sandbox(
        sandbox_settings(), data_dir=tmp_path / "sandbox", port=0, members=50
    ) as running:
        yield running


@pytest.fixture
async def web(sandbox: Sandbox, handled_updates: HandledUpdates) -> AsyncIterator[WebClient]:
    async with aiohttp.ClientSession() as session:
        yield WebClient(session, sandbox, handled_updates)


async def test_the_page_and_its_assets_need_nothing_from_the_network(web: WebClient) -> None:
    shipped = {file.name for file in (Path(webchat.__file__).parent / "web").iterdir()}
    assert shipped == set(PAGES)  # every file of the page is served, nothing else
    assets = [f"/static/{name}" for name in sorted(PAGES) if name != "index.html"]
    for path in ("/", *assets):
        async with web.session.get(web.base + path) as response:
            assert response.status == 200
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            body = await response.text()
        # no stylesheet, script, module, font or image from elsewhere
        assert not re.search(
            r"""(src|href)=["']?(https?:)?//|url\(\s*["']?(https?:)?//|from\s*["'](https?:)?//""",
            body,
        )
        assert "@import" not in body
    async with web.session.get(web.base + "/static/secrets.txt") as response:
        assert response.status == 404


async def test_the_demo_people_are_listed_with_the_members_iin(web: WebClient) -> None:
    async with web.session.get(web.base + "/api/people") as response:
        listing = await response.json()
    assert listing["bot"]["username"] == "ppo_sandbox_bot"
    people = {person["key"]: person for person in listing["people"]}
    assert list(people) == [
        "member",
        "organizer",
        "hq_organizer",
        "reviewer",
        "republican",
        "guest",
    ]
    assert people["member"]["iin"] == web.world.member_iin
    assert is_valid_iin(web.world.member_iin)
    assert people["guest"]["iin"] is None
    assert all(person["phone"].startswith("+7") for person in people.values())


async def test_start_through_the_api_shows_in_the_transcript(web: WebClient) -> None:
    organizer = web.world.organizer.telegram_id  # Russian, his Telegram's language
    await web.act(organizer, "send", text="/start")
    chat = await web.chat(organizer)
    mine, answer = chat["messages"]
    assert (mine["from"], mine["text"], mine["parse_mode"]) == ("user", "/start", None)
    assert answer["from"] == "bot"
    assert answer["parse_mode"] == "HTML"
    assert "Добро пожаловать!" in answer["text"]
    assert mine["id"] < answer["id"]
    assert [c["command"] for c in chat["commands"]][:1] == ["start"]


async def test_the_tips_say_what_the_bot_does(web: WebClient) -> None:
    guest, reviewer = web.world.guest, web.world.reviewer
    assert any("Kazakh" in tip for tip in guest.tips)  # the documented language rule
    await web.act(guest.telegram_id, "send", text="/start")
    assert "Қош келдіңіз!" in (await web.last_bot_message(guest.telegram_id))["text"]
    assert any("/review" in tip for tip in reviewer.tips)
    await web.act(reviewer.telegram_id, "send", text="/review")
    waiting = (await web.last_bot_message(reviewer.telegram_id))["text"]
    assert "Сараптауды күтіп тұр" in waiting
    assert "TRK-" in waiting
    republican = web.world.republican
    assert any("/republican" in tip for tip in republican.tips)
    await web.act(republican.telegram_id, "send", text="/republican")
    sent = await web.last_bot_message(republican.telegram_id)
    waiting = "Присланы регионами и ждут рассмотрения республиканской редакционной группой</b>: 2."
    assert waiting in sent["text"]


async def test_pressing_a_language_button_edits_the_message_in_place(web: WebClient) -> None:
    guest = web.world.guest.telegram_id
    await web.act(guest, "send", text="/language")
    offer = await web.last_bot_message(guest)
    kazakh = next(b for row in offer["inline_keyboard"] for b in row if b["text"] == "Қазақша")
    await web.act(guest, "press", message_id=offer["id"], data=kazakh["data"])
    chat = await web.chat(guest)
    edited = next(m for m in chat["messages"] if m["id"] == offer["id"])
    assert edited["edited"] is True
    assert edited["inline_keyboard"] == []
    assert "Енді сізбен қазақ тілінде сөйлесемін." in edited["text"]
    assert len([m for m in chat["messages"] if m["from"] == "bot"]) == 1
    # the chat's own menu now follows the chosen language
    assert chat["commands"][0]["description"] == "Басынан бастау"


async def test_untrusted_text_comes_back_as_text_never_as_markup(web: WebClient) -> None:
    guest = web.world.guest.telegram_id
    attack = '<script>alert(1)</script> <img src=x onerror="alert(2)"> & <b>'
    await web.act(guest, "send", text=attack)
    chat = await web.chat(guest)
    mine = next(m for m in chat["messages"] if m["from"] == "user")
    assert mine["text"] == attack
    assert mine["parse_mode"] is None  # the page renders it as plain text
    answer = await web.last_bot_message(guest)
    assert "<script>" not in answer["text"]


async def test_the_member_links_by_contact_and_iin_and_reads_the_record(web: WebClient) -> None:
    member = web.world.member
    await web.act(member.telegram_id, "send", text="/link")
    chat = await web.chat(member.telegram_id)
    share = chat["reply_keyboard"]["rows"][0][0]
    assert share["request_contact"] is True
    await web.act(member.telegram_id, "tap", text=share["text"])
    chat = await web.chat(member.telegram_id)
    contact = next(m for m in reversed(chat["messages"]) if m["from"] == "user")
    assert contact["contact"]["phone"] == member.phone
    await web.act(member.telegram_id, "send", text=web.world.member_iin)
    await web.act(member.telegram_id, "send", text="/me")
    record = await web.last_bot_message(member.telegram_id)
    assert "Сейітова Айгүл Ерланқызы" in record["plain_text"]
    assert "Түркістан облысы" in record["plain_text"]
    assert web.world.member_iin not in record["plain_text"]


async def test_documents_go_both_ways_and_photos_are_served_as_images(web: WebClient) -> None:
    guest = web.world.guest.telegram_id
    form = aiohttp.FormData()
    form.add_field("file", b"hello", filename="notes.txt", content_type="text/plain")
    async with web.session.post(
        f"{web.base}/api/chats/{guest}/document", data=form, headers=ACTION
    ) as response:
        assert (await response.json())["ok"]
    chat = await web.chat(guest)
    sent = chat["messages"][0]["document"]
    assert sent["name"] == "notes.txt"
    async with web.session.get(web.base + sent["url"]) as response:
        assert await response.read() == b"hello"
        assert response.headers["Content-Disposition"].startswith("attachment;")
    # the bot side, as a ticket will come: a photo sent through the Bot API
    bot_api = f"{web.base}/bot{TOKEN}/sendPhoto"
    photo = aiohttp.FormData()
    photo.add_field("chat_id", str(guest))
    photo.add_field("photo", _png(), filename="ticket.png", content_type="image/png")
    async with web.session.post(bot_api, data=photo) as response:
        assert (await response.json())["ok"]
    shown = (await web.last_bot_message(guest))["photo"]
    async with web.session.get(web.base + shown) as response:
        assert response.content_type == "image/png"


async def test_changes_are_pushed_as_server_sent_events(web: WebClient) -> None:
    guest = web.world.guest.telegram_id
    async with web.session.get(web.base + "/api/events") as stream:
        assert stream.content_type == "text/event-stream"
        await web.act(guest, "send", text="/help")
        events: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while not any(e["event"] == "message" for e in events):
                line = (await stream.content.readline()).decode()
                if line.startswith("data: "):
                    events.append(json.loads(line.removeprefix("data: ")))
    assert {e["chat_id"] for e in events} == {guest}
    assert events[0]["event"] == "update"


async def test_actions_need_the_sandbox_header_and_a_demo_person(web: WebClient) -> None:
    guest = web.world.guest.telegram_id
    url = f"{web.base}/api/chats/{guest}/send"
    async with web.session.post(url, json={"text": "hi"}) as response:
        assert response.status == 403  # another web site cannot make people talk
    async with web.session.get(f"{web.base}/api/chats/12345") as response:
        assert response.status == 404
    async with web.session.post(
        f"{web.base}/api/chats/{guest}/press", json={"data": "x"}, headers=ACTION
    ) as response:
        assert response.status == 400


async def test_seeding_twice_changes_nothing(tmp_path: Path) -> None:
    database = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"))
    await upgrade_to_head(database.engine)
    try:
        first = await seed_demo_world(database, members=50)
        counts = await _counts(database)
        second = await seed_demo_world(database, members=50)
        # organizers: TRK, SHY and every region; 2 reviewers
        assert await _counts(database) == counts == (51, 5)
        assert first == second
    finally:
        await database.close()


async def test_the_demo_member_is_asked_still_coming(tmp_path: Path) -> None:
    """The soon meeting: she held her seat before the window opened, so the first tick asks her
    (and only her); a second seeding adds no second meeting."""
    database = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"))
    await upgrade_to_head(database.engine)
    try:
        world = await seed_demo_world(database, members=5, ask_before=timedelta(hours=48))
        await seed_demo_world(database, members=5, ask_before=timedelta(hours=48))
        async with database.read() as connection:
            seats = await RegistrationRepository(connection).of_person(world.member.telegram_id)
            events = await EventRepository(connection).get_many([s.event_id for s in seats])
        meetings = [e for e in events.values() if e.title.en == "Teachers' meeting — Turkistan"]
        assert len(meetings) == 1
        service = StillComingService(database, access=AccessService(database, admins=()))
        assert await service.tick() == 0  # an empty chat first: the visitor presses START
        later = utcnow() + QUESTION_AFTER + timedelta(minutes=1)
        assert await service.tick(later) == 1
        assert await service.tick(later) == 0
        async with database.read() as connection:
            told = (
                await connection.execute(
                    select(outbox.c.chat_id).where(
                        outbox.c.notice == NoticeKind.STILL_COMING.value
                    )
                )
            ).all()
        assert [row[0] for row in told] == [world.member.telegram_id]
    finally:
        await database.close()


async def test_data_persists_across_restarts_and_reset_wipes_it(
    tmp_path: Path, handled_updates: HandledUpdates
) -> None:
    data_dir = tmp_path / "sandbox"

    async def language_of_help(*, choose_russian: bool = False, reset: bool = False) -> str:
        # a new emulator numbers updates from 1 again: a fresh listener for each run
        handled = HandledUpdates()
        logging.getLogger("bot.updates").addHandler(handled)
        try:
            async with (
                Sandbox(
                    sandbox_settings(), data_dir=data_dir, port=0, members=5, reset=reset
                ) as running,
                aiohttp.ClientSession() as session,
            ):
                web = WebClient(session, running, handled)
                guest = web.world.guest.telegram_id
                if choose_russian:
                    await web.act(guest, "send", text="/language")
                    offer = await web.last_bot_message(guest)
                    russian = offer["inline_keyboard"][0][1]
                    await web.act(guest, "press", message_id=offer["id"], data=russian["data"])
                await web.act(guest, "send", text="/help")
                return _language_of((await web.last_bot_message(guest))["plain_text"])
        finally:
            logging.getLogger("bot.updates").removeHandler(handled)

    assert await language_of_help(choose_russian=True) == "ru"
    assert await language_of_help() == "ru"  # kept in data/sandbox/ across a restart
    # the guest's Telegram speaks English, which the bot does not guess: the org's default
    assert await language_of_help(reset=True) == "kk"


async def test_the_command_serves_until_ctrl_c_and_exits_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "sandbox",
        "--port",
        str(port),
        "--members",
        "20",
        cwd=tmp_path,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(30):
            banner = (await process.stdout.readline()).decode()
        assert f"http://127.0.0.1:{port}/" in banner
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/api/people") as response,
        ):
            assert response.status == 200
        assert (tmp_path / "data" / "sandbox" / "sandbox.db").exists()
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(30):
            code = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
    assert process.stderr is not None
    log = (await process.stderr.read()).decode()
    assert code == 0, log
    assert "stopped cleanly" in log
    assert "Traceback" not in log


async def _counts(database: Database) -> tuple[int, int]:
    async with database.read() as connection:
        member_count = (
            await connection.execute(select(func.count()).select_from(members))
        ).scalar_one()
        role_count = (
            await connection.execute(select(func.count()).select_from(roles))
        ).scalar_one()
    return member_count, role_count


def _language_of(text: str) -> str:
    """kk, ru or en, by the letters (Kazakh has letters Russian lacks)."""
    if re.search("[әғқңөұүһі]", text, re.IGNORECASE):
        return "kk"
    return "ru" if re.search("[а-яё]", text, re.IGNORECASE) else "en"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _png() -> bytes:
    """A 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


async def test_the_demo_world_has_similar_proposals_a_duplicate_and_two_person_approval(
    tmp_path: Path,
) -> None:
    """The scenes its tips describe: what the member types meets the demo proposals; the
    reviewer sees the near duplicate; the organizer's announcement waits for the other one."""
    database = Database(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"))
    await upgrade_to_head(database.engine)
    try:
        world = await seed_demo_world(database, members=50)
        settings = parse_settings(
            {
                "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"},
                "delivery": {"approval_threshold": DEMO_APPROVAL_THRESHOLD},
            }
        )
        services = Services.build(database, settings)
        member = world.member.telegram_id
        async with database.write() as connection:
            members_ = MemberRepository(connection)
            record = await members_.by_iin(world.member_iin)
            assert record is not None
            await members_.link(record.id, member)

        drafts = services.proposal_drafts
        await drafts.choose_topic(member, "ppo_work")
        await drafts.set_title(member, SIMILAR_TITLE)
        similar = (await drafts.write_text(member, SIMILAR_TEXT)).similar
        assert NEAR_DUPLICATE_TITLE in [p.title for p in similar]
        reviewer = world.reviewer.telegram_id
        queue = await services.proposals.queue(reviewer, 0)
        duplicate = next(p for p in queue.proposals if p.title == NEAR_DUPLICATE_TITLE)
        likely = await services.proposal_merge.duplicates(reviewer, duplicate.id)
        assert [p.title for p in likely] == [DEMO_PROPOSALS[0][1]]

        organizer, second = world.organizer.telegram_id, world.hq_organizer.telegram_id
        queued = await services.broadcasts.queue(
            organizer,
            BroadcastDraft({"ru": "Съезд"}, {"ru": 5}, audience=Audience(AudienceKind.ALL)),
        )
        assert queued.awaiting_approval
        approvals = services.broadcast_approvals
        with pytest.raises(DomainError):
            await approvals.approve(organizer, queued.broadcast_id)
        await approvals.approve(second, queued.broadcast_id)
    finally:
        await database.close()
