"""Every message exists in kk, ru and en, really translated, and the template is current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR

KAZAKH_LETTERS = re.compile("[әғқңөұүһі]", re.IGNORECASE)
# Messages that are the same in every language by nature (a command, a placeholder only).
# The same words in Kazakh and Russian (on certificates).
UNTRANSLATABLE: set[str] = {
    "CERTIFICATE",
    "Forum: {forum}",
    "Trainer: {name}",
    "«{title}»",
    "«{title}»: ⭐ {average} ({count}, {comments})",
    "• {number} «{title}»",
}


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale=locale)


def _is_translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


def _ids(catalog: Catalog) -> set[tuple[str | None, str]]:
    """(msgctxt, msgid) of every message: a word in a context is a message of its own."""
    return {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id
    }


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The template extracted from the source now, not the committed one."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    root = LOCALES_DIR.parent
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "__",
            "-k",
            "lazy_gettext",
            "--no-location",
            "-o",
            str(pot),
            "bot",
        ],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return _read(pot)


def test_the_committed_template_matches_the_source(template: Catalog) -> None:
    committed = _read(LOCALES_DIR / "messages.pot")
    assert _ids(committed) == _ids(template), "run the Babel extract/update steps in README"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_message_is_translated(template: Catalog, language: str) -> None:
    catalog = _read(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", language)
    translated = {
        (message.context, message.id if isinstance(message.id, str) else message.id[0])
        for message in catalog
        if message.id and _is_translated(message.string) and not message.fuzzy
    }
    missing = sorted(_ids(template) - translated)
    assert not missing, f"{language} lacks: {missing}"


def test_kazakh_is_kazakh_not_a_copy_of_russian() -> None:
    kk = _read(LOCALES_DIR / "kk" / "LC_MESSAGES" / "messages.po", "kk")
    ru = _read(LOCALES_DIR / "ru" / "LC_MESSAGES" / "messages.po", "ru")
    copied, not_kazakh = [], []
    for message in kk:
        if not message.id or message.id in UNTRANSLATABLE:
            continue
        kk_text = message.string if isinstance(message.string, str) else " ".join(message.string)
        ru_message = ru.get(message.id, message.context)
        ru_text = "" if ru_message is None else str(ru_message.string)
        if kk_text == ru_text:
            copied.append(message.id)
        letters = re.sub(r"\{[^}]*\}|/\w+|<[^>]+>", "", kk_text)
        if re.search("[A-Za-z]{4,}", letters) and not re.search("[А-Яа-яӘә]", letters):
            not_kazakh.append(message.id)
    assert not copied, f"kk copies ru: {copied}"
    assert not not_kazakh, f"kk left in English: {not_kazakh}"


def test_kazakh_catalog_is_written_with_kazakh_letters() -> None:
    kk = _read(LOCALES_DIR / "kk" / "LC_MESSAGES" / "messages.po", "kk")
    texts = [str(message.string) for message in kk if message.id]
    with_kazakh_letters = [text for text in texts if KAZAKH_LETTERS.search(text)]
    assert len(with_kazakh_letters) >= len(texts) * 0.6


def test_placeholders_survive_translation() -> None:
    for language in ("kk", "ru", "en"):
        catalog = _read(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", language)
        for message in catalog:
            if not message.id or not isinstance(message.id, str):
                continue
            expected = set(re.findall(r"\{\w+\}", message.id))
            assert set(re.findall(r"\{\w+\}", str(message.string))) == expected, (
                language,
                message.id,
            )
