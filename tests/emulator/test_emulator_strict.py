"""The emulator refuses what Telegram refuses: HTML entities, limits, late or repeated answers."""

from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from botapi_emulator import Refusal
from botapi_emulator.html import EntityParseError, parse_html
from botapi_emulator.server import BotApiEmulator

EVIL = "<b>Evil</b> & Co"
VENUE = "Hall <A&B>"
PARSE = "Bad Request: can't parse entities: "


class _FastSession(AiohttpSession):
    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    emulator = BotApiEmulator()
    await emulator.start()
    emulator.user(1, first_name="Aigerim")
    yield emulator
    await emulator.stop()


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """A bot whose default parse mode is HTML, as ppo-bot's is."""
    client = Bot(
        emu.token,
        session=_FastSession(api=TelegramAPIServer.from_base(emu.api_base)),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    yield client
    await client.session.close()


def _keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[[b] for b in buttons])


def _png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        (EVIL, 'Unescaped "&" at byte offset 12'),
        (VENUE, 'Unsupported start tag "a&b" at byte offset 5'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("a <", "Unclosed start tag at byte offset 2"),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("close</b>", "Unexpected end tag at byte offset 5"),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("a<br/>b", 'Unsupported start tag "br/" at byte offset 1'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<span class=x>y</span>", 'Tag "span" must have class "tg-spoiler"'),
        ('<a href"x">y</a>', 'Expected equal sign in declaration of an attribute of the tag "a"'),
        ("<a href=x!y>z</a>", "Unexpected end of name token at byte offset 8"),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("&nbsp;", 'Unescaped "&" at byte offset 0'),
        ("&#0;", 'Unescaped "&" at byte offset 0'),
        ("Я & ты", 'Unescaped "&" at byte offset 3'),  # byte offsets, not characters
    ],
)
def test_refused_markup(markup: str, error: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert str(caught.value).startswith(error)


@pytest.mark.parametrize(
    ("markup", "text", "entities"),
    [
        (html.escape(EVIL), EVIL, []),
        (html.escape(VENUE), VENUE, []),
        ("&lt;&gt;&amp;&quot;&#65;&#x42;&#128512;", '<>&"AB😀', []),
        ("<b>b</b><strong>s</strong>", "bs", [("bold", 0, 1), ("bold", 1, 1)]),
        ("<i>i</i><em>e</em>", "ie", [("italic", 0, 1), ("italic", 1, 1)]),
        ("<u>u</u><ins>n</ins>", "un", [("underline", 0, 1), ("underline", 1, 1)]),
        (
            "<s>1</s><strike>2</strike><del>3</del>",
            "123",
            [("strikethrough", i, 1) for i in (0, 1, 2)],
        ),
        (
            '<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>',
            "ab",
            [("spoiler", 0, 1), ("spoiler", 1, 1)],
        ),
        ("<code>c</code>", "c", [("code", 0, 1)]),
        ("<blockquote>q</blockquote>", "q", [("blockquote", 0, 1)]),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("<B>x</B>", "x", [("bold", 0, 1)]),
        ("<b>x</>", "x", [("bold", 0, 1)]),
        ("😀<b>x</b>", "😀x", [("bold", 2, 1)]),
        ("<b></b>x", "x", []),
    ],
)
def test_accepted_markup(markup: str, text: str, entities: list[tuple[str, int, int]]) -> None:
    parsed = parse_html(markup)
    assert parsed.text == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed.entities] == entities


def test_links_pre_and_emoji() -> None:
    link = parse_html('<a href="https://x.kz/?a=1&amp;b=&quot;2&quot;">go</a>')
    assert link.entities[0]["url"] == 'https://x.kz/?a=1&b="2"'
    assert parse_html('<a href="javascript:x">go</a>').entities == []  # dropped, text kept
    pre = parse_html('<pre><code class="language-python">x = 1</code></pre>')
    assert pre.entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    emoji = parse_html('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>')
    assert emoji.entities[0]["custom_emoji_id"] == "5368324170671202286"


async def test_unescaped_values_are_refused_and_recorded(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.users[1]
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1, f"Name: {EVIL}")  # parse_mode HTML comes from the defaults
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_photo(1, BufferedInputFile(_png(), "t.png"), caption=f"Venue: {VENUE}")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_document(1, BufferedInputFile(b"x", "t.txt"), caption=EVIL)
    assert user.transcript == []
    assert [(r.method, r.status) for r in emu.refusals] == [
        ("sendMessage", 400),
        ("sendPhoto", 400),
        ("sendDocument", 400),
    ]
    first = emu.refusals[0]
    assert isinstance(first, Refusal)
    assert all(r.malformed for r in emu.refusals)
    assert first.description == PARSE + 'Unescaped "&" at byte offset 18: only &lt;, &gt;, ' + (
        "&amp;, &quot; and numeric entities are supported"
    )
    assert first.params["text"] == f"Name: {EVIL}"
    assert first.params["parse_mode"] == "HTML"
    assert "Venue: Hall <A&B>" in emu.refusals[1].params["caption"]

    sent = await bot.send_message(1, f"Name: {html.escape(EVIL)}")
    assert user.last_plain == f"Name: {EVIL}"
    photo = await bot.send_photo(
        1, BufferedInputFile(_png(), "t.png"), caption=f"Venue: <b>{html.escape(VENUE)}</b>"
    )
    assert user.last_plain == f"Venue: {VENUE}"
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.edit_message_text(EVIL, chat_id=1, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.edit_message_caption(chat_id=1, message_id=photo.message_id, caption=VENUE)
    assert [r.method for r in emu.refusals[3:]] == ["editMessageText", "editMessageCaption"]
    # plain text (no parse mode) may carry anything
    await bot.send_message(1, EVIL, parse_mode=None)
    assert user.last_plain == EVIL
    assert len(emu.refusals) == 5


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x" * 4096, None),
        ("😀" * 2048, None),  # 4096 UTF-16 code units
        ("😀" * 2048 + "x", "message is too long"),
        ("x" * 4097, "message is too long"),
        ("<b>" + "x" * 4096 + "</b>", None),  # counted after parsing
        ("&amp;" * 4096, None),
        ("&amp;" * 4097, "message is too long"),
        ("", "message text is empty"),
        (" \n ", "message text is empty"),
        ("<b> </b>", "message text is empty"),
    ],
)
async def test_text_limits(bot: Bot, emu: BotApiEmulator, text: str, error: str | None) -> None:
    if error is None:
        await bot.send_message(1, text)
        assert emu.refusals == []
        return
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(1, text)
    assert emu.refusals[-1].description == f"Bad Request: {error}"


async def test_caption_limits(bot: Bot, emu: BotApiEmulator) -> None:
    photo = BufferedInputFile(_png(), "t.png")
    sent = await bot.send_photo(1, photo, caption="<b>" + "я" * 1024 + "</b>")
    await bot.send_photo(1, photo, caption="")  # a caption may be empty
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_photo(1, photo, caption="я" * 1025)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_document(1, BufferedInputFile(b"x", "a.txt"), caption="😀" * 513)
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.edit_message_caption(chat_id=1, message_id=sent.message_id, caption="x" * 1025)
    assert [r.description for r in emu.refusals] == [
        "Bad Request: message caption is too long"
    ] * 3


@pytest.mark.parametrize(
    ("buttons", "error"),
    [
        ([InlineKeyboardButton(text="ok", callback_data="d" * 64)], None),
        ([InlineKeyboardButton(text="ok", callback_data="d" * 65)], "BUTTON_DATA_INVALID"),
        ([InlineKeyboardButton(text="ok", callback_data="ж" * 33)], "BUTTON_DATA_INVALID"),
        ([InlineKeyboardButton(text="ok", callback_data="")], "BUTTON_DATA_INVALID"),
        ([InlineKeyboardButton(text="", callback_data="x")], "button text must be non-empty"),
        ([InlineKeyboardButton(text=str(i), callback_data="x") for i in range(100)], None),
        (
            [InlineKeyboardButton(text=str(i), callback_data="x") for i in range(101)],
            "REPLY_MARKUP_TOO_LONG",
        ),
    ],
)
async def test_keyboard_limits(
    bot: Bot, emu: BotApiEmulator, buttons: list[InlineKeyboardButton], error: str | None
) -> None:
    if error is None:
        await bot.send_message(1, "k", reply_markup=_keyboard(*buttons))
        return
    with pytest.raises(TelegramBadRequest, match=error):
        await bot.send_message(1, "k", reply_markup=_keyboard(*buttons))
    (refusal,) = emu.refusals
    assert refusal.params["reply_markup"]["inline_keyboard"]


async def test_edit_not_modified(bot: Bot, emu: BotApiEmulator) -> None:
    keyboard = _keyboard(InlineKeyboardButton(text="A", callback_data="a"))
    sent = await bot.send_message(1, "<b>card</b>", reply_markup=keyboard)
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<b>card</b>", chat_id=1, message_id=sent.message_id, reply_markup=keyboard
        )
    # the same rendered text is the same content, however it is written
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<strong>card</strong>", chat_id=1, message_id=sent.message_id, reply_markup=keyboard
        )
    await bot.edit_message_text("<b>card</b>", chat_id=1, message_id=sent.message_id)  # no keys
    await bot.edit_message_text("<i>card</i>", chat_id=1, message_id=sent.message_id)
    assert [r.method for r in emu.refusals] == ["editMessageText"] * 2
    assert not any(r.malformed for r in emu.refusals)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(404, "nobody")
    assert not emu.refusals[-1].malformed


async def test_callback_answers_once_and_in_time(bot: Bot, emu: BotApiEmulator) -> None:
    user = emu.users[1]
    await bot.send_message(
        1, "?", reply_markup=_keyboard(InlineKeyboardButton(text="Go", callback_data="go"))
    )
    await user.press("Go")
    await user.press("Go")
    first, second = [u.callback_query for u in await bot.get_updates(timeout=0)]
    assert first is not None
    assert second is not None
    assert await bot.answer_callback_query(first.id, text="ok")
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(first.id)  # a second answer
    emu.callback_timeout = 0.3  # answers in time above however slow the machine; late here
    await asyncio.sleep(0.4)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(second.id)
    emu.callback_timeout = 15.0
    assert [a.text for a in user.alerts] == ["ok"]
    assert not any(r.malformed for r in emu.refusals)  # the moment's fault, not the request's
    assert [r.params["callback_query_id"] for r in emu.refusals] == [first.id, second.id]
    assert emu.refusals[0].description == (
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    )
    await user.press("Go")
    (update,) = await bot.get_updates(offset=-1, timeout=0)
    assert update.callback_query is not None
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(update.callback_query.id, text="x" * 201)


def test_default_callback_timeout() -> None:
    assert BotApiEmulator().callback_timeout == 15.0
