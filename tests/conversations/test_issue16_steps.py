"""Every step of issue 16 at its edges, table-driven: a command mid-step, hostile input in the
text step, stale and forged buttons. Each table runs in one conversation (one bot start)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.db.tables.certificates import training_feedback
from bot.domain.feedback import COMMENT_MAX_LENGTH
from bot.handlers.feedback.callbacks import CommentCallback, CommentStep, RateCallback
from bot.handlers.forums.callbacks import (
    ComingAnswer,
    ComingCallback,
    ForumAction,
    ForumCallback,
    OfferAnswer,
    OfferCallback,
)
from bot.i18n import create_i18n
from tests.certificate_seed import ABSENT, GUEST, MEMBER, Seeded, seed_ended_training
from tests.chat import Chat
from tests.conftest import RunningBot
from tests.forum_seed import load, small_forum

AHEAD = timedelta(days=10)  # the training ends then: the bot's own ticks leave it alone
I18N = create_i18n("ru")

COMMENT_PROMPT = (
    "Would you like to add a comment for the organizers? Write it in one message "
    "(without your name: they see only the comment), or press Skip."
)
SET_ASIDE = "Set aside: your comment on the training (your rating is saved)."
THANKS = "Thank you! Your comment has been passed on to the organizers."
AS_TEXT = "Please write your comment as text, or press Skip."
TOO_LONG = "The comment is too long: at most {limit} characters. Please shorten it."
CANCELLED = "Cancelled: no comment. Your rating is saved."
STALE = "This button no longer works. Send /start to begin again."
NOT_AN_ATTENDEE = "Only those who were checked in at this training can rate it."


def said(language: str, msgid: str, **values: object) -> str:
    """What the bot says for `msgid` in `language`."""
    return I18N.gettext(msgid, locale=language).format(**values)


async def _rating_question(running_bot: RunningBot, chat: Chat, seeded: Seeded) -> int:
    """The certificate tick asks the attendees; the id of the question's message."""
    await chat.user.wait_for_messages(2)  # the certificate and the question, in either order
    return next(m.message_id for m in chat.user.transcript if m.buttons())


async def _rate(chat: Chat, registration_id: int, question: int, rating: int = 4) -> None:
    """Press a rating on the question: the comment step begins."""
    data = RateCallback(registration_id=registration_id, rating=rating).pack()
    await chat.wait(await chat.user.press_data(data, question))


async def _after(chat: Chat, action) -> list[str]:  # type: ignore[no-untyped-def]
    """What the bot said in answer to `action`."""
    seen = len(chat.user.transcript)
    await action()
    return chat.texts[seen:]


async def _stored(running_bot: RunningBot, registration_id: int) -> tuple[int, str]:
    assert running_bot.app is not None
    async with running_bot.app.database.read() as connection:
        rows = await connection.execute(
            select(training_feedback.c.rating, training_feedback.c.comment).where(
                training_feedback.c.registration_id == registration_id
            )
        )
        [(rating, comment)] = rows.all()  # one rating per person and training, always
    return rating, comment


async def _seeded(running_bot: RunningBot, database_url: str) -> Seeded:
    seeded = await seed_ended_training(database_url, ended_ago=-AHEAD)
    assert running_bot.app is not None
    over = seeded.ends_at + timedelta(minutes=1)  # a moment the bot's own ticks never see
    assert await running_bot.app.delivery.certificate_tick(over) == 2
    return seeded


COMMANDS = ("/start", "/me", "/forums", "/language", "/cancel")


async def test_a_command_in_the_comment_step_ends_it_and_does_the_command(
    running_bot: RunningBot, make_chat, database_url: str
) -> None:
    member = make_chat(MEMBER, language_code="kk")
    seeded = await _seeded(running_bot, database_url)
    question = await _rating_question(running_bot, member, seeded)
    registration = seeded.registrations[MEMBER]
    # What each command and a stray text say outside any step.
    alone = {
        command: await _after(member, lambda c=command: member.send(c)) for command in COMMANDS
    }
    stray = await _after(member, lambda: member.send("жай мәтін"))
    for command in COMMANDS:
        await _rate(member, registration, question)
        assert member.last_text == said("kk", COMMENT_PROMPT), command
        answer = await _after(member, lambda c=command: member.send(c))
        if command == "/cancel":
            assert answer == [said("kk", CANCELLED)]
        else:
            assert answer == [said("kk", SET_ASIDE), *alone[command]], command
        # The step has ended: the next text is no comment.
        assert await _after(member, lambda: member.send("жай мәтін")) == stray, command
        assert await _stored(running_bot, registration) == (4, "")


HOSTILE = "<b>&</b> <i>unclosed & <a href='x'>"


async def test_hostile_input_in_the_comment_step_gets_a_clear_answer(
    running_bot: RunningBot, make_chat, database_url: str
) -> None:
    guest = make_chat(GUEST, first_name="Alex", language_code="en")
    seeded = await _seeded(running_bot, database_url)
    question = await _rating_question(running_bot, guest, seeded)
    registration = seeded.registrations[GUEST]
    too_long = said("en", TOO_LONG, limit=COMMENT_MAX_LENGTH)
    sticker = {
        "sticker": {
            "file_id": "CAACAgIAAxkBAAE",
            "file_unique_id": "AgADAQAD",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    }
    # (what is sent, the answer, the comment stored after it: None while none is)
    table = [
        (lambda: guest.user.send("x" * 5000), too_long, None),
        (lambda: guest.user.send("   "), said("en", AS_TEXT), None),
        (lambda: guest.user.send_photo(b"\x89PNG", caption=""), said("en", AS_TEXT), None),
        (lambda: guest.user.send_photo(b"\x89PNG", caption=HOSTILE), said("en", AS_TEXT), None),
        (lambda: guest.user._post(sticker), said("en", AS_TEXT), None),
        (lambda: guest.user.send(HOSTILE), said("en", THANKS), HOSTILE),
        (lambda: guest.user.send("😀🎉👍"), said("en", THANKS), "😀🎉👍"),
        (lambda: guest.user.send("y" * COMMENT_MAX_LENGTH), said("en", THANKS), "y" * 1000),
    ]
    for send, answer, stored in table:
        await _rate(guest, registration, question)

        async def act(send=send) -> None:  # type: ignore[no-untyped-def]
            await guest.wait(await send())

        assert await _after(guest, act) == [answer], answer
        if stored is not None:  # kept as written, shown escaped (a malformed send fails)
            assert await _stored(running_bot, registration) == (4, stored)
    assert "&lt;b&gt;" not in "".join(guest.texts)


async def test_stale_and_forged_feedback_buttons_no_longer_work(
    running_bot: RunningBot, make_chat, database_url: str
) -> None:
    member = make_chat(MEMBER, language_code="kk")
    absent = make_chat(ABSENT, language_code="ru")
    seeded = await _seeded(running_bot, database_url)
    question = await _rating_question(running_bot, member, seeded)
    theirs = seeded.registrations[MEMBER]
    await absent.send("/start")
    # (who presses, the data, what they are told: an alert or a message)
    table = [
        (absent, RateCallback(registration_id=theirs, rating=1).pack(), NOT_AN_ATTENDEE),
        (absent, f"rr:{2**40}:1", STALE),  # an id out of range
        (member, f"rr:{theirs}:9", STALE),  # no such rating
        (member, f"rr:{theirs}:0", STALE),
        (absent, CommentCallback(registration_id=theirs, step=CommentStep.SKIP).pack(), STALE),
        (member, CommentCallback(registration_id=theirs, step=CommentStep.SKIP).pack(), STALE),
        (member, f"rc:{theirs}:x", STALE),
    ]
    for chat, data, answer in table:
        language = "ru" if chat is absent else "kk"
        alerts, seen = len(chat.user.alerts), len(chat.user.transcript)
        await chat.wait(await chat.user.press_data(data, question if chat is member else None))
        told = [a.text for a in chat.user.alerts[alerts:] if a.text] + chat.texts[seen:]
        assert told == [said(language, answer)], data
    # Pressed twice: the rating is changed, never doubled; Skip works once, then no longer.
    await _rate(member, theirs, question, rating=2)
    await _rate(member, theirs, question, rating=5)
    assert await _stored(running_bot, theirs) == (5, "")
    skip = CommentCallback(registration_id=theirs, step=CommentStep.SKIP).pack()
    prompt = member.last_message.message_id
    await member.wait(await member.user.press_data(skip, prompt))
    assert member.last_text == said("kk", "Thank you! Your rating is saved.")
    await member.wait(await member.user.press_data(skip, prompt))
    assert member.user.alerts[-1].text == said("kk", STALE)


OFFER_CLOSED = (
    "This offer is no longer open: its time ran out or it was answered already. "
    "Your places are in /tickets."
)
GONE = (
    "This registration is no longer active, so there is nothing to answer. See the forums: /forums"
)
NO_CERTIFICATE = (
    "❌ There is no certificate with this code. Check the code: it is printed under the QR "
    "code of the certificate."
)


def _told(chat: Chat, alerts: int, seen: int) -> list[str]:
    """What `chat` was told since: alerts, then messages."""
    return [a.text for a in chat.user.alerts[alerts:] if a.text] + chat.texts[seen:]


async def _press(chat: Chat, data: str, message_id: int | None = None) -> list[str]:
    alerts, seen = len(chat.user.alerts), len(chat.user.transcript)
    await chat.wait(await chat.user.press_data(data, message_id))
    return _told(chat, alerts, seen)


async def test_offers_still_coming_and_the_other_buttons_at_their_edges(
    make_chat, running_bot: RunningBot
) -> None:
    app = running_bot.app
    assert app is not None
    forum_id = await load(app, small_forum(1))
    seated, first, second = (make_chat(8600 + n, language_code="ru") for n in range(3))
    for chat in (seated, first, second):
        await chat.send("/start")
        await chat.press_data(ForumCallback(forum_id=forum_id, action=ForumAction.REGISTER).pack())
    [own] = await app.services.forums.my_places(8600)
    await app.services.forums.cancel(8600, own.registration.id)
    await first.wait_for_text("освободилось место")
    offer = first.last_message
    [mine] = await app.services.forums.my_places(8601)
    # (a) A command while the offer waits is just the command: no step to set aside, and the
    # offer's buttons still work after it.
    for command in COMMANDS:
        alone = await _after(second, lambda c=command: second.send(c))
        answer = await _after(first, lambda c=command: first.send(c))
        assert answer == alone, command
        assert not any("Set aside" in text for text in answer)
    take = OfferCallback(registration_id=mine.registration.id, answer=OfferAnswer.TAKE).pack()
    decline = OfferCallback(registration_id=mine.registration.id, answer=OfferAnswer.DECLINE)
    # (c) Someone else's offer, an id out of range, forged answers: no longer works.
    table = [
        (second, take, said("ru", OFFER_CLOSED)),
        (second, decline.pack(), said("ru", OFFER_CLOSED)),
        (second, f"fy:{2**40}:t", said("ru", STALE)),
        (second, f"fy:{mine.registration.id}:z", said("ru", STALE)),
        (
            second,
            ComingCallback(registration_id=mine.registration.id, answer=ComingAnswer.YES).pack(),
            said("ru", GONE),
        ),
        (
            second,
            ComingCallback(registration_id=mine.registration.id, answer=ComingAnswer.NO).pack(),
            said("ru", GONE),
        ),
        (second, f"fq:{2**40}:y", said("ru", STALE)),
        (second, f"fo:{2**40}:c", said("ru", STALE)),  # "Add to calendar" of no forum
        (second, f"fk:{2**40}:20270101", said("ru", STALE)),  # check-in marks
        (second, f"fn:{mine.registration.id}:{2**40}", said("ru", STALE)),
    ]
    for chat, data, answer in table:
        assert await _press(chat, data) == [answer], data
    # Taken, then pressed again: the seat once; "No thanks" then no longer works.
    await first.wait(await first.user.press_data(take, offer.message_id))
    assert (await app.services.forums.my_places(8601))[0].registration.seat == 1
    assert await _press(first, decline.pack(), offer.message_id) == [said("ru", OFFER_CLOSED)]
    # The certificate link, typed by hand with anything after it.
    for code in ("<b>&", "x" * 5000, "😀", ""):
        assert await _after(first, lambda c=code: first.send(f"/start verify-{c}")) == [
            said("ru", NO_CERTIFICATE)
        ], code[:10]
