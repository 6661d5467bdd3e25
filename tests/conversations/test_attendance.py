"""One ticket for the whole forum: the organizer who scans it marks a day or a training."""

from __future__ import annotations

from datetime import datetime

import pytest
from icalendar import Calendar

from tests.conftest import RunningBot
from tests.forum_seed import ALMATY, load, move_forum, small_forum, started_today, tomorrow_evening


@pytest.fixture
def app(running_bot: RunningBot):  # type: ignore[no-untyped-def]
    assert running_bot.app is not None
    return running_bot.app


def _starting(labels: list[str], start: str) -> str:
    return next(label for label in labels if label.startswith(start))


async def test_one_scan_marks_the_day_then_a_training(make_chat, make_organizer, app) -> None:
    forum_id = await load(app, small_forum(5))
    attendee = make_chat(7901, language_code="ru")
    await attendee.send("/forums")
    await attendee.press(attendee.last_message.buttons()[0])
    card = attendee.last_message  # edited in place from here on
    await attendee.press("Зарегистрироваться")
    await attendee.press("Тренинги")
    await attendee.press(_starting(card.buttons(), "Записаться: "))
    await attendee.send("/tickets")
    photos = [m for m in attendee.user.transcript if m.photo is not None]
    assert len(photos) == 2  # the registration's ticket and /tickets: the forum's only
    assert "и на своих тренингах" in (photos[-1].caption or "")
    code = (await app.services.forums.my_places(7901))[0].registration.ticket_code

    await move_forum(app, forum_id, started_today(), ends_at=tomorrow_evening())
    organizer = await make_organizer(7902, "SHY")
    await organizer.send(f"/start checkin-{code}")
    scan = organizer.last_message
    assert "<b>Дни форума</b>" in (scan.text or "")
    assert (scan.text or "").count("▫️") == 3  # two days, one training
    labels = scan.buttons()
    assert [label.split(":")[0] for label in labels] == [
        "Отметить",
        "Отметить тренинг",
        "Снять регистрацию",
    ]
    await organizer.press(_starting(labels, "Отметить: "))
    assert "✅ Приход отмечен: " in (scan.text or "")
    assert scan.buttons() == [_starting(labels, "Отметить тренинг: ")]  # no removing now
    await organizer.press(scan.buttons()[0])
    assert "✅ Приход отмечен: «Ораторское мастерство»" in (scan.text or "")
    assert scan.buttons() == []
    training = (await app.services.forums.my_places(7901))[1]
    assert training.registration.checked_in_at is not None  # what certificates rely on
    day = f"{datetime.now(ALMATY):%Y%m%d}"
    registration = training.registration.id - 1  # the forum's, registered just before
    await organizer.wait(
        await organizer.user.press_data(f"fk:{registration}:{day}", scan.message_id)
    )
    assert "приход уже отмечен в " in (scan.text or "")

    await attendee.wait_for_text("«Ораторское мастерство» отмечен")
    await attendee.send("/tickets")
    ticket = attendee.user.transcript[-2]
    assert "✅ Приход отмечен: " in (ticket.caption or "")
    assert "Ораторское мастерство: ✅ приход отмечен" in attendee.last_text

    # The ticket's "Add to calendar": the forum and the person's training, as an .ics file.
    await attendee.press("📅 Добавить в календарь")
    sent = attendee.last_message
    assert sent.document_name == f"forum-{forum_id}.ics"
    assert sent.document_mime == "text/calendar"
    assert sent.caption == (
        "Откройте файл, чтобы добавить в календарь форум и ваши тренинги: 2 события."
    )
    assert sent.document is not None
    events = Calendar.from_ical(sent.document).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [
        "Региональный форум ППО — Шымкент",
        "Ораторское мастерство",
    ]
    forum = (await app.services.forums.details(forum_id, 7901)).forum
    assert events[0].decoded("dtstart") == forum.starts_at.replace(microsecond=0)
