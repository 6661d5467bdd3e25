"""Every message exists in kk, ru and en, really translated, and the template is current."""

from __future__ import annotations

import ast
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
    "Chart",
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


# {name}, {0}, {name!r:>3}; %(name)s, %s, %d; and every HTML tag with its attributes.
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%(?:\(\w+\))?[sdifr]")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
PLURAL_FORMS = {"kk": 2, "ru": 3, "en": 2}  # CLDR: kk one/other, ru one/few/many, en one/other
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _catalog(language: str) -> Catalog:
    return _read(LOCALES_DIR / language / "LC_MESSAGES" / "messages.po", language)


def _marks(text: str) -> list[str]:
    """The placeholders of `text` (each may repeat) and its tags (each counted), sorted."""
    return sorted(set(PLACEHOLDER.findall(text))) + sorted(TAG.findall(text))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_placeholders_and_tags_survive_translation(language: str) -> None:
    wrong = []
    for message in _catalog(language):
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        # A plural's forms each carry what the plural msgid carries (Russian "1" is also 21).
        expected = max((_marks(text) for text in ids), key=len)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wrong += [(ids[0], text) for text in strings if _marks(text) != expected]
    assert not wrong, f"{language}: placeholders or tags differ from the msgid: {wrong}"


def test_placeholder_check_catches_a_mismatch() -> None:
    assert _marks("<b>{count}</b> %(name)s") != _marks("<b>{count}</b>")
    assert _marks("<b>{count}</b>") != _marks("<i>{count}</i>")
    assert _marks("<b>{a}</b>") != _marks("<b>{a}</b></b>")
    assert _marks("{a} {a}") == _marks("{a}")  # a translation may name a value twice
    assert _marks("<b>{a}</b> {b}") == _marks("{b}: <b>{a}</b>")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_plural_messages_have_the_languages_forms(language: str) -> None:
    catalog = _catalog(language)
    assert catalog.num_plurals == PLURAL_FORMS[language], catalog.plural_forms
    wrong = [
        message.id[0]
        for message in catalog
        if message.id
        and isinstance(message.id, tuple)
        and (len(message.string) != PLURAL_FORMS[language] or not all(message.string))
    ]
    assert not wrong, f"{language}: plurals without {PLURAL_FORMS[language]} forms: {wrong}"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_msgid_is_left_untranslated(language: str) -> None:
    """An msgstr equal to its msgid, where the msgid has English words, was never translated."""
    untranslated = []
    for message in _catalog(language):
        if not message.id or message.id in UNTRANSLATABLE:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid, text in zip(ids * len(strings), strings, strict=False):
            words = LATIN_WORD.findall(re.sub(r"\{[^{}]*\}|/\w+|<[^>]+>", "", msgid))
            if words and text.strip() == msgid.strip():
                untranslated.append(msgid)
    assert not untranslated, f"{language} leaves the English as it is: {untranslated}"


# A button shows about 30 characters on a phone. Values of a known width are put in; a label
# with another value (a training's title) is cut by the code (`bot.handlers.paging.shorten`).
BUTTON_LIMIT = 30
BUTTON_VALUES = {"{count}": "99", "{number}": "TRK-2026-0042", "{source}": "1", "{target}": "2"}
GETTEXT_CALLS = ("_", "N_")


def _gettext_strings(node: ast.AST) -> set[str]:
    return {
        call.args[0].value
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Name)
        and call.func.id in GETTEXT_CALLS
        and call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    }


def _is_label(node: ast.AST) -> bool:
    """`text=…`, `label = …`, `(_("…"), Enum.MEMBER)`, `_button(builder, …)`."""
    match node:
        case ast.keyword(arg="text") | ast.Assign(targets=[ast.Name(id="label")]):
            return True
        case ast.Tuple(elts=[ast.Call(func=ast.Name(id="_")), ast.Attribute()]):
            return True
        case ast.Call(func=ast.Name(id="_button")):
            return True
    return False


def button_labels() -> set[str]:
    """Every message of a keyboards module, and what a handler puts on a button."""
    labels: set[str] = set()
    for path in (LOCALES_DIR.parent / "bot" / "handlers").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name == "keyboards.py":
            labels |= _gettext_strings(tree)
        for node in ast.walk(tree):
            if _is_label(node):
                labels |= _gettext_strings(node)
    return labels


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_button_labels_fit_a_phone(language: str) -> None:
    labels = button_labels()
    assert {"Take it", "Yes, approve", "Compare with {number}", "Chart"} <= labels
    catalog = _catalog(language)
    too_long = []
    for msgid in labels:
        message = catalog.get(msgid)
        shown = str(message.string) if message is not None else msgid
        for placeholder, value in BUTTON_VALUES.items():
            shown = shown.replace(placeholder, value)
        if not re.search(r"\{\w+\}", shown) and len(shown) > BUTTON_LIMIT:
            too_long.append(shown)
    assert not too_long, f"{language}: buttons over {BUTTON_LIMIT} characters: {too_long}"
