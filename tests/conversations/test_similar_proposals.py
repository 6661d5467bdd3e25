"""Similar proposals shown before sending: support one instead, or go on with one's own."""

from __future__ import annotations

import pytest

from bot.handlers.proposals.callbacks import SupportInsteadCallback
from tests.conftest import MODES
from tests.conversations.test_proposals import SEND, TOPIC, member, number, submit

HINT = "Похожие предложения уже есть."


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
        f"👍 Поддержать {first} вместо своего",
        "Моё — другое",
        "◀ Назад к тексту",
        "Отмена",
    ]
    await neighbour.send("а что дальше?")
    assert "Пожалуйста, выберите кнопкой выше" in neighbour.last_text
    await neighbour.press("◀ Назад к тексту")
    assert "Теперь напишите само предложение" in neighbour.last_text
    await neighbour.send("Сельским школам нужен быстрый интернет.")
    await neighbour.press(f"👍 Поддержать {first} вместо своего")
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


def test_the_support_instead_callback_fits_in_64_bytes() -> None:
    packed = SupportInsteadCallback(proposal_id=2**31 - 1).pack()
    assert packed.startswith("pi:")
    assert len(packed.encode()) <= 64
