"""bot.formatting's HTML helpers: values escaped once, texts cut to Telegram's limits."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.errors import DomainError, ErrorCode
from bot.domain.events import same_in_every_language
from bot.formatting import (
    Html,
    bold,
    clip,
    escape,
    fit_lines,
    html_format,
    html_join,
    italic,
    visible_length,
)
from bot.handlers.replies import describe_error
from bot.i18n import create_i18n
from botapi_emulator.html import parse_html

EVIL = "<b>Evil</b> & Co"


def test_values_are_escaped_once() -> None:
    filled = html_format("<b>Ticket</b> · {name}, seat {seat}", name=EVIL, seat=3)
    assert filled == "<b>Ticket</b> · &lt;b&gt;Evil&lt;/b&gt; &amp; Co, seat 3"
    assert isinstance(filled, Html)
    assert parse_html(filled).text == f"Ticket · {EVIL}, seat 3"
    # Html values (already built) are inserted as they are, not escaped again
    nested = html_format("{who} said", who=bold(EVIL))
    assert nested == "<b>&lt;b&gt;Evil&lt;/b&gt; &amp; Co</b> said"
    assert escape(escape(EVIL)) == escape(EVIL)
    assert italic("a<b") == "<i>a&lt;b</i>"
    assert html_join(", ", ["Hall <A&B>", "", bold("x")]) == "Hall &lt;A&amp;B&gt;, <b>x</b>"


def test_texts_are_cut_to_fit() -> None:
    assert clip("abcdef", 4) == "abc…"
    assert clip("abc", 4) == "abc"
    assert visible_length("<b>&lt;</b> 😀") == 4
    lines = [escape("<" * 100) for _ in range(100)]  # 10 000 characters once parsed
    fitted = fit_lines(lines, 1024)
    parsed = parse_html(fitted)
    assert len(parsed.text) <= 1024
    assert parsed.text.endswith("\n…")
    assert fit_lines(["a", "b"]) == "a\nb"


def test_a_refusal_is_html_in_a_message_and_plain_in_an_alert() -> None:
    error = DomainError(ErrorCode.TRAINING_CLASH, other=same_in_every_language("A & <B>"))
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale("en"):
        message = describe_error(error, i18n, ZoneInfo("Asia/Almaty"))
        alert = describe_error(error, i18n, ZoneInfo("Asia/Almaty"), html=False)
        long = describe_error(
            DomainError(ErrorCode.TRAINING_CLASH, other=same_in_every_language("x" * 300)),
            i18n,
            ZoneInfo("Asia/Almaty"),
            html=False,
        )
    assert "A &amp; &lt;B&gt;" in message
    assert parse_html(message).text == alert
    assert "“A & <B>”" in alert
    assert len(long) == 200
