"""Rating a training after it ends: one tap, an optional comment; organizers read them."""

from __future__ import annotations

from datetime import timedelta

from bot.handlers.feedback.callbacks import RateCallback
from tests.certificate_seed import ABSENT, GUEST, MEMBER, seed_ended_training
from tests.conftest import RunningBot

AHEAD = timedelta(days=10)  # the training ends then: the bot's own ticks leave it alone


async def test_attendees_rate_and_comment_and_organizers_read_it(
    running_bot: RunningBot, make_chat, make_organizer, database_url: str
) -> None:
    member = make_chat(MEMBER, language_code="kk")
    guest = make_chat(GUEST, first_name="Alex", language_code="en")
    absent = make_chat(ABSENT, language_code="ru")
    seeded = await seed_ended_training(database_url, ended_ago=-AHEAD)
    assert running_bot.app is not None
    over = seeded.ends_at + timedelta(minutes=1)  # a moment the bot's own ticks never see
    assert await running_bot.app.delivery.certificate_tick(over) == 2
    await member.user.wait_for_messages(2)  # the certificate, the question (in either order)
    assert any("тренингі қалай өтті?" in text for text in member.texts)
    await member.press("4 ⭐")
    assert any("тренингіне қойған бағаңыз: 4 (5 балдан). Рақмет!" in text for text in member.texts)
    assert member.last_text.startswith("Ұйымдастырушыларға пікір қалдырасыз ба?")
    await member.send("<b>Керемет</b> & пайдалы")
    assert member.last_text == "Рақмет! Пікіріңіз ұйымдастырушыларға жеткізілді."

    await guest.user.wait_for_messages(2)
    assert any(text.startswith("How was the training") for text in guest.texts)
    await guest.press("5 ⭐")
    await guest.press("Skip")
    assert guest.last_text == "Thank you! Your rating is saved."

    await absent.send("/start")  # never checked in: a forged button is refused
    forged = RateCallback(registration_id=seeded.registrations[MEMBER], rating=1).pack()
    await absent.press_data(forged)
    assert absent.last_text == "Оценить этот тренинг могут только те, чей приход на него отмечен."

    organizer = await make_organizer(7150, "TRK")
    await organizer.send("/myforums")
    await organizer.press("Оценки тренингов")
    summary = organizer.last_text
    assert "⭐ 4,5 (2 оценки, 1 комментарий)" in summary
    await organizer.press(organizer.last_message.buttons()[0])
    assert "⭐ 4 · " in organizer.last_text
    assert "&lt;b&gt;Керемет&lt;/b&gt; &amp; пайдалы" in organizer.last_text  # escaped
