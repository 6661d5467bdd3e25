"""/stats: an organizer picks a forum and gets its chart as a picture."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from tests.certificate_seed import seed_ended_training


async def test_an_organizer_gets_the_chart_and_others_get_nothing(
    make_chat, make_organizer, database_url: str
) -> None:
    await seed_ended_training(database_url, ended_ago=-timedelta(days=10))
    organizer = await make_organizer(7160, "TRK", language_code="kk")
    await organizer.send("/stats")
    assert organizer.last_text == "Қай форумның диаграммасы керек?"
    await organizer.press(organizer.last_message.buttons()[0])
    chart = organizer.last_message
    assert chart.photo is not None
    with Image.open(io.BytesIO(chart.photo)) as image:
        assert image.format == "PNG"
    assert (chart.caption or "").startswith("«БПҰ форумы»: орын 50, тіркелгені 0")

    member = make_chat(7161, language_code="ru")
    await member.send("/stats")
    assert member.last_text == "Извините, это вам недоступно."
