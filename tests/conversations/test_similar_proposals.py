"""Similar proposals shown before sending: support one instead, or go on with one's own."""

from __future__ import annotations

import pytest

from bot.domain.audit import AuditAction
from bot.domain.roles import Role
from bot.handlers.proposals.callbacks import MergeCallback, MergeStep, SupportInsteadCallback
from tests.conftest import MODES
from tests.conversations.test_proposals import (
    NOT_ALLOWED,
    SEND,
    TOPIC,
    member,
    notified,
    number,
    staff,
    submit,
)
from tests.registry_seed import audit_entries

HINT = "Похожие предложения уже есть."


@pytest.fixture
async def reviewer(make_chat, running_bot):  # type: ignore[no-untyped-def]
    return await staff(make_chat, running_bot, 8100, Role.REVIEWER, "TRK")


async def _write_text(chat, title: str, text: str) -> None:  # type: ignore[no-untyped-def]
    await chat.send("/propose")
    await chat.press(TOPIC["ru"])
    await chat.send(title)
    await chat.send(text)


@pytest.mark.parametrize("mode", MODES[:1], indirect=True)
async def test_a_similar_proposal_is_offered_and_supported_instead(
    make_chat, database_url: str
) -> None:
    author = await member(make_chat, database_url, 8301)
    first = await submit(
        author, "Интернет в сельских школах", "Провести быстрый интернет во все сельские школы."
    )
    neighbour = await member(make_chat, database_url, 8302)
    await _write_text(neighbour, "Интернет для сельских школ", "Сельским школам нужен интернет.")
    assert HINT in neighbour.last_text
    assert f"<b>{first}</b> · Туркестанская область · ожидает рассмотрения" in neighbour.last_text
    assert neighbour.last_message.buttons() == [
        f"👍 Поддержать {first}",
        "Моё — другое",
        "◀ Назад к тексту",
        "Отмена",
    ]
    await neighbour.send("а что дальше?")
    assert "Пожалуйста, выберите кнопкой выше" in neighbour.last_text
    await neighbour.press("◀ Назад к тексту")
    assert "Теперь напишите само предложение" in neighbour.last_text
    await neighbour.send("Сельским школам нужен быстрый интернет.")
    await neighbour.press(f"👍 Поддержать {first}")
    assert neighbour.last_text == (
        f"Спасибо! Вы поддержали предложение {first} «Интернет в сельских школах»; теперь его "
        "поддерживают: 1. Ваш черновик удалён."
    )
    await neighbour.send("/propose")
    assert "Выберите тему" in neighbour.last_text  # the draft is gone
    await neighbour.press("Отмена")

    # Another member goes on with their own; a member of another region is shown nothing
    # (the first is not yet going to Astana), and an old button changes nothing.
    other = await member(make_chat, database_url, 8303)
    await _write_text(other, "Интернет в школах села", "Нужен быстрый интернет в сельских школах.")
    await other.press("Моё — другое")
    assert "Можно приложить до 3 документов" in other.last_text
    await other.press("Готово")
    await other.press(SEND["ru"])
    assert number(2) in other.last_text
    stranger = await member(make_chat, database_url, 8304, region="AKM")
    await _write_text(stranger, "Интернет в сельских школах", "Быстрый интернет в сельские школы.")
    assert HINT not in stranger.last_text
    await stranger.press_data(SupportInsteadCallback(proposal_id=1).pack())
    await author.send("/myproposals")
    await author.press(f"{first} · Интернет в сельских школах")
    assert "Поддержал 1 член партии" in author.last_text


@pytest.mark.parametrize("mode", MODES[:1], indirect=True)
async def test_a_reviewer_merges_a_duplicate_and_the_authors_are_told(
    make_chat, database_url: str, running_bot, reviewer
) -> None:
    first_author = await member(make_chat, database_url, 8311)
    first = await submit(
        first_author, "Спортивные площадки во дворах", "Построить спортивные площадки во дворах."
    )
    second_author = await member(make_chat, database_url, 8312)
    await _write_text(
        second_author, "Площадки для спорта во дворах", "Во дворах нужны спортивные площадки."
    )
    await second_author.press("Моё — другое")
    await second_author.press("Готово")
    await second_author.press(SEND["ru"])
    second = number(2)
    supporter = await member(make_chat, database_url, 8313)
    await _write_text(supporter, "Спортивные площадки", "Площадки для спорта во дворах домов.")
    await supporter.press(f"👍 Поддержать {second}")
    # Both "waits for your review" notices first (they come through the outbox): one landing
    # under the merge's confirmation would hide its buttons.
    await notified(reviewer, "ожидает вашего рассмотрения", count=2)

    await reviewer.send("/review")
    await reviewer.press(f"{second} · Площадки для спорта во дворах")
    assert "<b>Вероятные дубликаты</b> этого предложения в регионе:" in reviewer.last_text
    assert f"• {first} «Спортивные площадки во дворах»" in reviewer.last_text
    await reviewer.press(f"Сравнить с {first}")
    assert "<b>Сравнение</b>" in reviewer.last_text
    assert f"<b>1. {second}</b>" in reviewer.last_text
    assert f"<b>2. {first}</b>" in reviewer.last_text
    await reviewer.press("Объединить: 1 → 2")
    assert reviewer.last_message.buttons() == ["Да, объединить", "Нет, оставить оба"]
    other = await staff(make_chat, running_bot, 8314, Role.REVIEWER, "AKM")
    confirm = MergeCallback(step=MergeStep.CONFIRM, source_id=2, target_id=1).pack()
    await other.press_data(confirm)
    assert other.last_alert == NOT_ALLOWED
    await reviewer.press("Да, объединить")
    assert reviewer.last_text == (
        f"Объединено: {second} с {first}. Теперь {first} поддерживают: 1; авторам сообщено."
    )
    await reviewer.press_data(confirm)  # twice: refused, nothing changes
    assert reviewer.last_alert == "Это предложение объединено с другим. Ничего не изменилось."

    merged = await notified(second_author, "объединила ваше предложение")
    assert f"{second} «Площадки для спорта во дворах»" in merged
    assert "Теперь вы его соавтор" in merged
    kept = await notified(first_author, "с вашим предложением")
    assert f"{first} «Спортивные площадки во дворах»" in kept
    await reviewer.send("/review")
    assert reviewer.last_message.buttons() == [f"{first} · Спортивные площадки во дворах"]
    await second_author.send("/myproposals")
    await second_author.press(f"{second} · Площадки для спорта во дворах")
    assert "объединено с другим предложением" in second_author.last_text
    assert "— Объединено" in second_author.last_text  # the history names the other
    assert f"<i>{first}</i>" in second_author.last_text
    assert (8100, AuditAction.PROPOSALS_MERGED, None, f"{second} into {first}") in [
        (actor, action, None, reason)
        for actor, action, _member, reason in await audit_entries(database_url)
    ]


def test_the_support_instead_and_merge_callbacks_fit_in_64_bytes() -> None:
    largest = 2**31 - 1
    packed = [
        SupportInsteadCallback(proposal_id=largest).pack(),
        *(
            MergeCallback(step=step, source_id=largest, target_id=largest).pack()
            for step in MergeStep
        ),
    ]
    assert {data[:3] for data in packed} == {"pi:", "pm:"}
    assert max(len(data.encode()) for data in packed) <= 64
