"""Tests of the Telegram Bot API emulator, driven through aiogram's real Bot client."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    InaccessibleMessage,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from botapi_emulator.html import EntityParseError, parse_html
from botapi_emulator.server import BotApiEmulator


class _FastSession(AiohttpSession):
    """AiohttpSession without the 250 ms grace sleep on close, to keep the suite fast."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def _make_bot(emu: BotApiEmulator, token: str | None = None) -> Bot:
    api = TelegramAPIServer.from_base(emu.api_base)
    return Bot(token or emu.token, session=_FastSession(api=api))


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    client = _make_bot(emu)
    yield client
    await client.session.close()


def _png(width: int = 2, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _keyboard(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data) for label, data in row]
            for row in rows
        ]
    )


async def test_get_me(bot: Bot, emu: BotApiEmulator) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (emu.bot_id, "ppo_test_bot", True)
    assert emu.requests[-1][0] == "getMe"


async def test_send_message_lands_in_transcript(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(1, first_name="Aida", username="aida")
    assert emu.user(1, first_name="Other") is user
    msg = await bot.send_message(1, "<b>Hi</b> &amp; welcome", parse_mode="HTML")
    assert isinstance(msg, Message)
    assert msg.text == "Hi & welcome"
    assert msg.entities is not None
    assert (msg.entities[0].type, msg.entities[0].offset, msg.entities[0].length) == (
        "bold",
        0,
        2,
    )
    assert msg.from_user is not None
    assert msg.from_user.is_bot
    assert (msg.chat.id, msg.chat.type) == (1, "private")
    second = await bot.send_message(1, "second")
    assert second.message_id == msg.message_id + 1
    assert [m.message_id for m in user.transcript] == [msg.message_id, second.message_id]
    assert user.transcript[0].text == "<b>Hi</b> &amp; welcome"
    assert user.transcript[0].plain_text == "Hi & welcome"
    assert user.last_text == "second"
    assert emu.requests[-1] == ("sendMessage", {"chat_id": 1, "text": "second"})


async def test_edit_and_delete(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(2, first_name="Bek")
    events: list[tuple[int, str]] = []
    emu.listeners.append(lambda chat_id, event: events.append((chat_id, event)))
    msg = await bot.send_message(2, "draft", reply_markup=_keyboard([("A", "a")]))
    edited = await bot.edit_message_text("final", chat_id=2, message_id=msg.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "final"
    assert edited.edit_date is not None
    assert len(user.transcript) == 1
    assert user.last_message is not None
    assert user.last_message.edited
    assert user.last_message.buttons() == []  # no reply_markup in the edit drops the keyboard
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("final", chat_id=2, message_id=msg.message_id)
    await bot.edit_message_reply_markup(
        chat_id=2, message_id=msg.message_id, reply_markup=_keyboard([("B", "b")])
    )
    assert user.last_message.buttons() == ["B"]
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=2, message_id=999)
    assert await bot.delete_message(2, msg.message_id)
    assert user.transcript == []
    assert user.last_text == ""
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(2, msg.message_id)
    assert events == [(2, "message"), (2, "edit"), (2, "edit"), (2, "delete")]


async def test_press_produces_callback_query(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(3, first_name="Chingiz")
    await bot.send_message(3, "old", reply_markup=_keyboard([("Old", "old")]))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="Yes", callback_data="vote:yes"),
                InlineKeyboardButton(text="No", callback_data="vote:no"),
            ],
            [InlineKeyboardButton(text="Site", url="https://example.org")],
        ]
    )
    sent = await bot.send_message(3, "Vote?", reply_markup=markup)
    assert user.last_message is not None
    assert user.last_message.buttons() == ["Yes", "No", "Site"]
    update_id = await user.press("No")
    updates = await bot.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [update_id]
    query = updates[0].callback_query
    assert query is not None
    assert query.data == "vote:no"
    assert query.from_user.id == 3
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    with pytest.raises(LookupError, match="Yes"):
        await user.press("Maybe")
    with pytest.raises(ValueError, match="url"):
        await user.press("Site")

    assert await bot.answer_callback_query(query.id, text="Counted", show_alert=True)
    assert [(a.text, a.show_alert) for a in user.alerts] == [("Counted", True)]
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)

    # offset confirms: the update is not delivered again
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == []
    forged = await user.press_data("admin:wipe", message_id=12345)
    (update,) = await bot.get_updates(offset=update_id + 1, timeout=0)
    assert update.update_id == forged
    assert update.callback_query is not None
    assert update.callback_query.data == "admin:wipe"
    assert isinstance(update.callback_query.message, InaccessibleMessage)
    assert update.callback_query.message.message_id == 12345


async def test_long_poll_wakes_on_update(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(4, first_name="Dana")
    poll = asyncio.create_task(bot.get_updates(timeout=300))
    await asyncio.sleep(0.1)
    assert not poll.done()
    await user.send("/start ref_42")
    updates = await asyncio.wait_for(poll, 30)  # woken: unwoken, the poll would last 300 s
    message = updates[0].message
    assert message is not None
    assert message.text == "/start ref_42"
    assert message.entities is not None
    assert (message.entities[0].type, message.entities[0].length) == ("bot_command", 6)
    assert message.chat.id == 4
    assert user.sent[-1]["text"] == "/start ref_42"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"text": "x" * 4097}, "message is too long"),
        ({"text": "<b>" + "x" * 4096 + "</b>", "parse_mode": "HTML"}, None),
        ({"text": "   "}, "message text is empty"),
        ({"text": "a<br>b", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "<b>open", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "1 < 2", "parse_mode": "HTML"}, "can't parse entities"),
        ({"text": "<b><i>x</b></i>", "parse_mode": "HTML"}, "can't parse entities"),
        (
            {"text": "k", "reply_markup": _keyboard([("x", "d" * 65)])},
            "BUTTON_DATA_INVALID",
        ),
        ({"text": "k", "reply_markup": _keyboard([("x", "я" * 33)])}, "BUTTON_DATA_INVALID"),
        ({"text": "k", "reply_markup": _keyboard([("x", "я" * 32)])}, None),
    ],
)
async def test_send_message_validation(
    bot: Bot, emu: BotApiEmulator, kwargs: dict[str, object], error: str | None
) -> None:
    emu.user(5, first_name="Erlan")
    if error is None:
        await bot.send_message(5, **kwargs)  # type: ignore[arg-type]
        return
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(5, **kwargs)  # type: ignore[arg-type]
    assert emu.user(5, first_name="Erlan").transcript == []


async def test_chat_errors(bot: Bot, emu: BotApiEmulator) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "hello")
    user = emu.user(6, first_name="Farida")
    user.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(6, "hello")
    user.unblock()
    await bot.send_message(6, "hello")
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(6, BufferedInputFile(_png(), "p.png"), caption="c" * 1025)
    assert len(user.transcript) == 1
    wrong = _make_bot(emu, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await wrong.get_me()
    finally:
        await wrong.session.close()


async def test_raw_http_errors_and_json_body(emu: BotApiEmulator) -> None:
    emu.user(7, first_name="Gani")
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{emu.api_base}/bot{emu.token}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found",
            }
        async with http.post(f"{emu.api_base}/botBAD/getMe") as resp:
            assert resp.status == 401
            assert (await resp.json())["description"] == "Unauthorized"
        body = {"chat_id": 7, "text": "json", "reply_markup": {"inline_keyboard": []}}
        async with http.post(f"{emu.api_base}/bot{emu.token}/sendMessage", json=body) as resp:
            data = await resp.json()
            assert data["ok"] is True
            assert data["result"]["text"] == "json"
        async with http.get(f"{emu.api_base}/bot{emu.token}/getMe?x=1") as resp:
            assert (await resp.json())["result"]["username"] == emu.bot_username


async def test_rate_limit() -> None:
    emulator = BotApiEmulator(rate_limit_per_second=3)
    await emulator.start()
    client = _make_bot(emulator)
    try:
        user = emulator.user(8, first_name="Khan")
        for i in range(3):
            await client.send_message(8, f"m{i}")
        with pytest.raises(TelegramRetryAfter) as caught:
            await client.send_message(8, "over")
        assert caught.value.retry_after >= 1
        assert emulator.rate_limited_count == 1
        assert [m.text for m in user.transcript] == ["m0", "m1", "m2"]
        await client.get_me()  # non-sending methods are never limited
    finally:
        await client.session.close()
        await emulator.stop()


async def test_faults(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(9, first_name="Lyazzat")
    emu.inject_faults(ratio=1.0, kinds=("5xx",))
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.send_message(9, "a")
    emu.inject_faults(ratio=1.0, kinds=("429",))
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(9, "b")
    assert caught.value.retry_after == 1
    emu.inject_faults(ratio=1.0, kinds=("timeout",))
    with pytest.raises(TelegramNetworkError):
        await bot.send_message(9, "c")
    await bot.get_me()  # only sending methods fail
    emu.inject_faults(ratio=0)
    await bot.send_message(9, "d")
    assert [m.text for m in user.transcript] == ["d"]
    assert emu.rate_limited_count == 1


async def test_send_photo_and_resend_by_file_id(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(10, first_name="Marat")
    png = _png(4, 5)
    msg = await bot.send_photo(
        10, BufferedInputFile(png, "qr.png"), caption="<i>QR</i>", parse_mode="HTML"
    )
    assert msg.photo is not None
    assert (msg.photo[-1].width, msg.photo[-1].height) == (4, 5)
    assert msg.caption == "QR"
    assert user.last_message is not None
    assert user.last_message.photo == png
    assert user.last_text == "<i>QR</i>"
    again = await bot.send_photo(10, msg.photo[-1].file_id)
    assert again.photo is not None
    assert again.photo[-1].file_unique_id == msg.photo[-1].file_unique_id
    assert user.last_message.photo == png
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(10, "nonexistent")
    doc = await bot.send_document(10, BufferedInputFile(b"a,b\n", "report.csv"))
    assert doc.document is not None
    assert doc.document.file_name == "report.csv"
    assert user.last_message.document == b"a,b\n"
    assert user.last_message.document_name == "report.csv"


async def test_user_document_downloaded_by_bot(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(11, first_name="Nurlan")
    await user.send_document(b"name;phone\n", filename="list.csv", mime_type="text/csv")
    await user.send_photo(_png(), caption="pic")
    first, second = await bot.get_updates(timeout=0)
    assert first.message is not None
    assert first.message.document is not None
    assert first.message.document.file_name == "list.csv"
    file = await bot.get_file(first.message.document.file_id)
    assert file.file_path is not None
    data = await bot.download_file(file.file_path)
    assert data is not None
    assert data.read() == b"name;phone\n"
    assert second.message is not None
    assert second.message.photo is not None
    assert second.message.caption == "pic"
    photo = await bot.download(second.message.photo[-1].file_id)
    assert photo is not None
    assert photo.read() == _png()
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_commands(bot: Bot, emu: BotApiEmulator) -> None:
    emu.user(12, first_name="Olzhas")
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [BotCommand(command="help", description="Көмек")], language_code="kk"
    )
    await bot.set_my_commands(
        [BotCommand(command="admin", description="Admin")],
        scope=BotCommandScopeChat(chat_id=12),
    )
    assert emu.commands[("default", "")] == [{"command": "start", "description": "Start"}]
    assert emu.commands[("default", "kk")][0]["command"] == "help"
    assert emu.commands[("chat:12", "")][0]["command"] == "admin"
    (cmd,) = await bot.get_my_commands(language_code="kk")
    assert cmd.command == "help"
    assert await bot.get_my_commands(language_code="ru") == []
    await bot.delete_my_commands(language_code="kk")
    assert ("default", "kk") not in emu.commands
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])


async def test_reply_keyboard_tap_and_contacts(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(13, first_name="Perizat", phone="+77010000013")
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="Share phone", request_contact=True)],
            [KeyboardButton(text="Help")],
        ],
        resize_keyboard=True,
    )
    await bot.send_message(13, "Please share", reply_markup=keyboard)
    await bot.send_message(13, "later message without markup")
    await user.tap("Share phone")
    await user.tap("Help")
    await user.share_contact(user_id=None, phone="+70000000000", first_name="Stranger")
    await user.share_contact(forwarded=True)
    updates = await bot.get_updates(timeout=0)
    msgs = [u.message for u in updates]
    assert all(m is not None for m in msgs)
    own, help_text, stranger, forwarded = (m for m in msgs if m is not None)
    assert own.contact is not None
    assert (own.contact.phone_number, own.contact.user_id) == ("+77010000013", 13)
    assert help_text.text == "Help"
    assert stranger.contact is not None
    assert stranger.contact.user_id is None
    assert forwarded.forward_origin is not None
    with pytest.raises(LookupError, match="Help"):
        await user.tap("Nope")
    await bot.send_message(13, "thanks", reply_markup=ReplyKeyboardRemove())
    with pytest.raises(LookupError):
        await user.tap("Help")


async def test_group_chat(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(14, first_name="Ruslan")
    group = emu.group(-1001, "Forum")
    await user.send("/help@ppo_test_bot", chat=group)
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert (update.message.chat.id, update.message.chat.type) == (-1001, "group")
    assert update.message.chat.title == "Forum"
    reply = await bot.send_message(-1001, "Group reply", reply_markup=_keyboard([("Go", "go")]))
    assert reply.chat.title == "Forum"
    assert group.last_text == "Group reply"
    assert user.transcript == []
    await user.press("Go", chat=group)
    (cb,) = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert cb.callback_query is not None
    assert cb.callback_query.message is not None
    assert cb.callback_query.message.chat.id == -1001


async def test_copy_message_and_chat_action(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.user(15, first_name="Saule")
    admins = emu.group(-1002, "Admins")
    await user.send("My proposal")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message is not None
    copied = await bot.copy_message(-1002, 15, update.message.message_id)
    assert copied.message_id == 1
    assert admins.last_text == "My proposal"
    forwarded = await bot.forward_message(-1002, 15, update.message.message_id)
    assert forwarded.forward_origin is not None
    assert await bot.send_chat_action(15, "typing")
    assert user.actions == ["typing"]
    chat = await bot.get_chat(15)
    assert chat.first_name == "Saule"


@pytest.mark.serial  # waits for idleness within a time limit
async def test_dispatcher_polling_and_wait_until_idle(bot: Bot, emu: BotApiEmulator) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=5))
    try:
        users = [emu.user(100 + i, first_name=f"U{i}") for i in range(20)]
        await asyncio.gather(*(u.send(f"hi {u.id}") for u in users))
        # Quiet for two seconds: on a loaded machine the bot may take a while between taking
        # the updates and its first echo (idleness sees requests, not the bot's thinking).
        await emu.wait_until_idle(quiet=2.0, timeout=30)
        assert all(u.last_text == f"echo: hi {u.id}" for u in users)
        await users[0].send("again")
        await emu.wait_until_idle(users[0].id, quiet=2.0, timeout=30)
        assert users[0].last_text == "echo: again"
    finally:
        await dp.stop_polling()
        await task


async def test_wait_until_idle_times_out_on_unread_update(emu: BotApiEmulator) -> None:
    user = emu.user(16, first_name="Timur")
    await emu.wait_until_idle(user.id, timeout=0.5)  # nothing happened yet
    await user.send("nobody polls")
    with pytest.raises(TimeoutError):
        await emu.wait_until_idle(user.id, timeout=0.2)


async def test_many_concurrent_sends(bot: Bot, emu: BotApiEmulator) -> None:
    users = [emu.user(1000 + i, first_name=f"P{i}") for i in range(300)]
    await asyncio.gather(*(bot.send_message(u.id, f"news {u.id}") for u in users))
    assert all(u.last_text == f"news {u.id}" for u in users)


def test_html_parser() -> None:
    parsed = parse_html('<a href="https://x.kz?a=1&amp;b=2">link</a> <tg-spoiler>s</tg-spoiler>')
    assert parsed.text == "link s"
    assert parsed.entities[0] == {
        "type": "text_link",
        "offset": 0,
        "length": 4,
        "url": "https://x.kz?a=1&b=2",
    }
    assert parsed.entities[1]["type"] == "spoiler"
    emoji = parse_html("😀<b>x</b>")
    assert emoji.entities[0]["offset"] == 2  # UTF-16 code units
    pre = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert pre.entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    with pytest.raises(EntityParseError, match="span"):
        parse_html("<span>x</span>")
    with pytest.raises(EntityParseError, match='Unsupported start tag "div"'):
        parse_html("<div>x</div>")
