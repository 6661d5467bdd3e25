"""The sandbox page in a real browser (headless Chromium): a visitor's first minute with the bot.

Screenshots land in test-output/browser/ (ignored by git). The last one replaces docs/sandbox.png
(README) only when PPO_BOT_REFRESH_SCREENSHOT=1: a test run changes no tracked file.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest

from bot.cli.sandbox import TOKEN, Sandbox
from bot.config import parse_settings
from tests.services import unavailable

if TYPE_CHECKING:
    from playwright.async_api import Browser, Locator, Page

CHROMIUM = Path(os.environ.get("PPO_BOT_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "browser"
README_SHOT = ROOT / "docs" / "sandbox.png"
REFRESH_README_SHOT = os.environ.get("PPO_BOT_REFRESH_SCREENSHOT") == "1"
WAIT_MS = 30_000  # a deadline for a failure: Chromium on a loaded machine is slow


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium (never a downloaded build); skips, or fails in CI, when missing."""
    if not CHROMIUM.exists():
        unavailable(
            "Chromium",
            f"{CHROMIUM} does not exist (apt-get install chromium, or set PPO_BOT_TEST_CHROMIUM)",
        )
    return CHROMIUM


@pytest.fixture
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    """Headless Chromium, closed after the test."""
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        unavailable(
            "Playwright", "the playwright package is not installed (pip install -e .[dev])"
        )
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def sandbox(tmp_path: Path) -> AsyncIterator[Sandbox]:
    settings = parse_settings({"org": {"default_language": "kk"}})
    async with Sandbox(settings, data_dir=tmp_path / "sandbox", port=0, members=50) as running:
        yield running


class ChatPage:
    """The web chat as a person uses it: clicks and typing only, waiting for what they see."""

    def __init__(self, page: Page) -> None:
        self.page = page
        SHOTS.mkdir(parents=True, exist_ok=True)

    @property
    def bot_messages(self) -> Locator:
        return self.page.locator(".message.bot")

    async def bot_count(self) -> int:
        return await self.bot_messages.count()

    async def wait_for_answers(self, before: int, count: int = 1) -> Locator:
        """Wait until `count` more bot messages than `before` are shown; the newest one."""
        await self.page.wait_for_function(
            "n => document.querySelectorAll('.message.bot').length >= n",
            arg=before + count,
            timeout=WAIT_MS,
        )
        return self.bot_messages.last

    async def as_person(self, key: str) -> None:
        await self.page.click(f".person[data-key={key}]")
        await self.page.wait_for_function(
            "key => document.body.dataset.person === key", arg=key, timeout=WAIT_MS
        )

    async def start(self) -> Locator:
        before = await self.bot_count()
        await self.page.click("#start-button")
        return await self.wait_for_answers(before)

    async def send(self, text: str) -> Locator:
        before = await self.bot_count()
        await self.page.fill("#input", text)
        await self.page.press("#input", "Enter")
        return await self.wait_for_answers(before)

    async def command_from_menu(self, command: str) -> Locator:
        before = await self.bot_count()
        await self.page.click("#menu-button")
        await self.page.click(f".menu-item[data-command={command}]")
        return await self.wait_for_answers(before)

    async def tap(self, label: str) -> Locator:
        before = await self.bot_count()
        await self.page.locator("#reply-keyboard .reply-button", has_text=label).click()
        return await self.wait_for_answers(before)

    async def shot(self, name: str) -> Path:
        path = SHOTS / f"{name}.png"
        await self.page.screenshot(path=str(path))
        return path


async def test_a_visitor_tries_the_bot_as_the_demo_member(
    browser: Browser, sandbox: Sandbox
) -> None:
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, timezone_id="Asia/Almaty", locale="en-GB"
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    chat = ChatPage(page)
    world = sandbox.world
    await page.goto(sandbox.url + "#member")
    await page.wait_for_selector("body.ready")
    assert world.member_iin in await page.inner_text("#info")
    await chat.shot("01-a-new-chat")

    welcome = await chat.start()
    assert "/language" in await welcome.inner_text()

    # /language from the command menu; a press edits the offer in place, as Telegram does
    offer = await chat.command_from_menu("language")
    offer_id = await offer.get_attribute("data-message-id")
    shown = await chat.bot_count()
    await offer.locator(".inline-button", has_text="Қазақша").click()
    edited = page.locator(f".message.bot[data-message-id='{offer_id}']")
    await edited.locator(".meta", has_text="edited").wait_for(timeout=WAIT_MS)
    assert await edited.locator(".inline-button").count() == 0
    assert await chat.bot_count() == shown
    await chat.shot("02-language-chosen")

    # link the membership: /link, share the contact, paste the demo IIN from the side panel
    asks_for_contact = await chat.send("/link")
    assert await page.locator("#reply-keyboard .reply-button.request-contact").count() == 1
    assert await asks_for_contact.count() == 1
    await chat.tap("Телефон нөмірімен бөлісу")
    assert (
        world.member.phone[-2:] in await page.locator(".message.user .contact").last.inner_text()
    )
    await page.click(".iin-actions button:nth-child(2)")  # "Paste into the chat"
    assert await page.input_value("#input") == world.member_iin
    linked = await chat.send(world.member_iin)
    assert "Сейітова Айгүл Ерланқызы" in await linked.inner_text()

    record = await chat.command_from_menu("me")
    text = await record.inner_text()
    assert "Түркістан облысы" in text
    assert world.member_iin not in text  # the record shows the IIN masked
    await record.locator(".inline-button").first.wait_for()
    await chat.shot("03-member-record")

    # register for the Shymkent forum: a seat, then the ticket with its QR code
    catalog = await chat.command_from_menu("forums")
    await catalog.locator(".inline-button", has_text="Шымкент").click()
    card = catalog  # the list turns into the forum's card, in place
    await card.get_by_text("Шешендік өнер").first.wait_for(timeout=WAIT_MS)
    before = await chat.bot_count()
    await card.locator(".inline-button", has_text="Тіркелу").click()
    ticket = await chat.wait_for_answers(before, count=2)
    await ticket.locator(".photo img").wait_for(timeout=WAIT_MS)
    assert "Орын 1" in await ticket.inner_text()
    final = await chat.shot("04-ticket")
    if REFRESH_README_SHOT:
        shutil.copyfile(final, README_SHOT)
    await context.close()
    assert errors == []


async def test_the_page_renders_only_telegrams_tags_and_follows_start_links(
    browser: Browser, sandbox: Sandbox
) -> None:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    chat = ChatPage(page)
    await page.goto(sandbox.url + "#guest")
    await page.wait_for_selector("body.ready")
    guest = sandbox.world.guest.telegram_id
    link = f"https://t.me/{sandbox.emulator.bot_username}?start=checkin-demo42"
    await _bot_says(
        sandbox,
        guest,
        "<b>bold</b> <i>italic</i> <code>&lt;b&gt;not bold&lt;/b&gt;</code> "
        f'<tg-spoiler>secret</tg-spoiler> <a href="{link}">Check in</a> '
        '<a href="javascript:window.__xss=1">not a link</a>',
        parse_mode="HTML",
    )
    await _bot_says(
        sandbox, guest, '<img src=x onerror="window.__xss=2"><script>window.__xss=3</script>'
    )
    plain = await chat.wait_for_answers(0, 2)
    html = chat.bot_messages.first
    assert await html.locator("b").inner_text() == "bold"
    assert await html.locator("i").inner_text() == "italic"
    assert await html.locator("code").inner_text() == "<b>not bold</b>"
    assert await html.locator(".spoiler").inner_text() == "secret"
    assert await page.locator("a[href^='javascript']").count() == 0
    assert "<img src=x" in await plain.inner_text()
    assert await page.locator(".messages img, .messages script").count() == 0
    assert await page.evaluate("window.__xss") is None

    # a check-in style deep link to this bot, opened as this person: /start with the payload
    await html.locator("a", has_text="Check in").click()
    await page.locator(".message.user", has_text="/start checkin-demo42").wait_for(timeout=WAIT_MS)
    await chat.wait_for_answers(2)
    assert re.search(r"\bAlex\b", await page.inner_text("#you-are"))

    # a button the bot no longer knows: its answer comes back as an alert to dismiss
    await _bot_says(sandbox, guest, "Old news", buttons=[{"text": "Stale", "callback_data": "x"}])
    stale = await chat.wait_for_answers(3)
    await stale.locator(".inline-button", has_text="Stale").click()
    await page.locator("#alert[open]").wait_for(timeout=WAIT_MS)
    assert await page.inner_text("#alert-text")
    await page.click("#alert-ok")
    assert await page.locator("#alert[open]").count() == 0
    await chat.shot("04-guest-on-a-phone")
    await context.close()
    assert errors == []


async def _bot_says(
    sandbox: Sandbox,
    chat_id: int,
    text: str,
    *,
    parse_mode: str | None = None,
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """A message straight through the Bot API, as any handler's would arrive."""
    body: dict[str, object] = {"chat_id": chat_id, "text": text}
    if parse_mode:
        body["parse_mode"] = parse_mode
    if buttons:
        body["reply_markup"] = {"inline_keyboard": [buttons]}
    url = f"{sandbox.emulator.api_base}/bot{TOKEN}/sendMessage"
    async with aiohttp.ClientSession() as session, session.post(url, json=body) as response:
        assert (await response.json())["ok"]
