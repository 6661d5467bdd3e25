"""The whole path, through the emulator on SQLite and PostgreSQL: a member in Turkistan region
proposes, the regional group shortlists within its quota, the republican group accepts, and the
export lists it with its trail (issue 17, "Done when")."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from bot.domain.roles import Role
from tests.conftest import RunningBot
from tests.conversations.test_proposals import (
    PDF,
    member,
    notified,
    number,
    reviewer,
    staff,
    submit,
)
from tests.registry_seed import audit_entries

__all__ = ["reviewer"]  # the fixture used here

YEAR_LINE = "Туркестанская область: в {year} году на республиканский этап отправлено {sent} из 5"


async def test_from_a_turkistan_member_to_the_republican_forums_export(
    make_chat, database_url: str, running_bot: RunningBot, reviewer
) -> None:
    author = await member(make_chat, database_url, 8701, language="kk")
    await submit(
        author, "Цифрлық БПҰ", "Әр БПҰ-да цифрлық кеңес.", files=[("plan.pdf", PDF)], language="kk"
    )
    republican = await staff(make_chat, running_bot, 8702, Role.REPUBLICAN, None)
    await republican.send("/republican")
    assert (
        republican.last_text
        == "Нет предложений, ожидающих рассмотрения республиканской редакционной группой."
    )

    # The regional group: the queue says how much of the quota is used; shortlisting asks.
    await notified(reviewer, "Новое предложение")
    await reviewer.send("/review")
    year = number(1).split("-")[1]
    assert YEAR_LINE.format(sent=0, year=year) in reviewer.last_text
    await reviewer.press(f"{number(1)} · Цифрлық БПҰ")
    card = reviewer.last_message
    assert "<b>Автор:</b> Сейітова Ару8701" in (card.text or "")
    assert "<b>ППО:</b> БПҰ №12 «Түркістан қалалық ауруханасы»" in (card.text or "")
    await reviewer.press("Отобрать на форум")
    await reviewer.press("◀ Назад")
    assert reviewer.last_text == "Отменено. Ничего не изменилось."
    assert card.buttons()[1] == "Отобрать на форум"
    await reviewer.press("Отобрать на форум")
    await reviewer.press("Подтвердить")
    assert YEAR_LINE.format(sent=1, year=year) in reviewer.last_text
    assert "отобрано (для республиканского форума)" in (card.text or "")
    assert card.buttons() == []
    await notified(author, "Жақсы жаңалық!")

    # The republican group: told, opens it with its trail, accepts (asked first).
    await notified(republican, "Регион прислал предложение")
    await republican.press("Открыть")
    card = republican.last_message
    text = card.text or ""
    assert "редакционная группа: Туркестанская область (Сейітова" not in text  # not linked
    assert "Отобрано для республиканского форума" in text
    assert "редакционная группа: Туркестанская область" in text
    assert card.buttons() == [
        "Принять на форум",
        "Вернуть в регион",
        "Отклонить",
    ]
    await republican.press("Принять на форум")
    assert republican.last_text == (
        f"Принять предложение {number(1)} «Цифрлық БПҰ» для республиканского форума?"
    )
    await republican.press("Подтвердить")
    assert republican.last_text == (
        f"Предложение {number(1)} принято для республиканского форума. Автору сообщено."
    )
    assert f"<b>{number(1)}</b> · принято для республиканского форума" in (card.text or "")
    assert card.buttons() == []
    notice = await notified(author, "республикалық форумға қабылдады")
    assert notice.startswith("Жақсы жаңалық! Республикалық редакциялық топ")

    # The author's card: the trail by group, no reviewer's name.
    await author.send("/myproposals")
    await author.press(f"{number(1)} · Цифрлық БПҰ")
    assert "республикалық форумға қабылданды" in author.last_text
    assert "республикалық редакциялық топ" in author.last_text
    assert "редакциялық топ: Түркістан облысы" in author.last_text

    # The export for the republican forum: the proposal with its trail, and its file.
    await republican.send("/republican")
    await republican.press("Выгрузить принятые")
    workbook, _, bundle = republican.user.transcript[-3:]
    assert workbook.caption == "1 предложение принято для республиканского форума"
    assert workbook.document is not None
    sheet = load_workbook(io.BytesIO(workbook.document)).active
    header, row = [list(line) for line in sheet.iter_rows(values_only=True)]
    values = dict(zip(header, row, strict=True))
    assert values["Номер"] == number(1)
    assert values["Регион"] == "Туркестанская область"
    assert values["Автор"] == "Сейітова Ару8701"
    assert values["Статус"] == "принято для республиканского форума"
    trail = str(values["История рассмотрения"]).splitlines()
    assert [line.split(" — ")[1] for line in trail] == [
        "Подано",
        "Отобрано для республиканского форума",
        "Принято для республиканского форума",
    ]
    assert trail[1].endswith("редакционная группа: Туркестанская область")
    assert trail[2].endswith("республиканская редакционная группа")
    assert bundle.document is not None
    with zipfile.ZipFile(io.BytesIO(bundle.document)) as archive:
        assert archive.read(f"{number(1)}/1-plan.pdf") == PDF
    actions = [entry[1] for entry in await audit_entries(database_url)]
    assert actions.count("proposal shortlisted") == actions.count("proposal accepted") == 1
