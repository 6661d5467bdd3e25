"""The catalogs keep to docs/glossary.md and to the rules that can be stated about words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.domain.regions import REGIONS
from bot.i18n import LOCALES_DIR

GLOSSARY = LOCALES_DIR.parent / "docs" / "glossary.md"
LANGUAGES = ("kk", "ru", "en")


def _catalog(language: str) -> Catalog:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with Path(path).open("rb") as po_file:
        return read_po(po_file, locale=language)


def _texts(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _messages(language: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) for every form of every message."""
    out = []
    for message in _catalog(language):
        if message.id:
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            out += [(msgid, text) for text in _texts(message)]
    return out


def forbidden_variants() -> dict[str, list[tuple[str, str]]]:
    """language -> [(concept, forbidden variant)] from the glossary's table."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in GLOSSARY.read_text(encoding="utf-8").splitlines()
        if line.startswith("|")
    ]
    header, *body = rows
    assert header[:4] == ["concept", "en", "ru", "kk"], header
    columns = {language: header.index(f"not {language}") for language in LANGUAGES}
    found: dict[str, list[tuple[str, str]]] = {language: [] for language in LANGUAGES}
    for row in body:
        if set(row[0]) <= set("- "):
            continue
        for language, column in columns.items():
            found[language] += [
                (row[0], variant.strip()) for variant in row[column].split(",") if variant.strip()
            ]
    return found


def test_the_glossary_forbids_the_variants_the_issue_found() -> None:
    variants = forbidden_variants()
    assert ("draft", "нобай") in variants["kk"]
    assert ("good news", "қуанышты жаңалық") in variants["kk"]
    assert any("членство" in variant for _, variant in variants["ru"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogs_use_only_glossary_terms(language: str) -> None:
    variants = forbidden_variants()[language]
    wrong = [
        (concept, variant, msgid)
        for msgid, text in _messages(language)
        for concept, variant in variants
        if variant.casefold() in text.casefold()
    ]
    assert not wrong, f"{language}: use the glossary's word for: {wrong}"


def test_english_uses_quotes_not_guillemets() -> None:
    wrong = [text for _, text in _messages("en") if "«" in text or "»" in text]
    assert not wrong, wrong


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_zone_names_or_region_codes_reach_the_reader(language: str) -> None:
    codes = "|".join(region.code for region in REGIONS)
    pattern = re.compile(rf"\b({codes})\b|[A-Z][a-z]+/[A-Z][a-z]+")
    wrong = [text for _, text in _messages(language) if pattern.search(text)]
    assert not wrong, wrong


def test_kazakh_puts_no_date_in_a_case_slot() -> None:
    slot = re.compile(
        r"\{(date|moment|until|when|opens|closes)\}[\s,]*(бастап|дейін|кейін|бері|басталады)"
    )
    wrong = [text for _, text in _messages("kk") if slot.search(text)]
    assert not wrong, wrong


@pytest.mark.parametrize(
    ("language", "calque"),
    [("kk", re.compile(r"\}»?\s*тілінде")), ("ru", re.compile(r"на языке «"))],
)
def test_languages_are_named_in_the_sentences_own_grammar(
    language: str, calque: re.Pattern[str]
) -> None:
    wrong = [text for _, text in _messages(language) if calque.search(text)]
    assert not wrong, wrong
    named = dict(_messages(language))
    assert named["in Kazakh"] == {"kk": "қазақ тілінде", "ru": "на казахском языке"}[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_deny_and_cancel_are_different_words(language: str) -> None:
    named = dict(_messages(language))
    assert named["Deny"].casefold() != named["Cancel"].casefold()
    assert "бас тарт" not in named["Deny"].casefold()


def test_page_numbers_are_not_a_calque_in_kazakh() -> None:
    pages = [text for msgid, text in _messages("kk") if "Page {page} of {pages}" in msgid]
    assert pages
    assert all("Бет: {page}/{pages}" in text for text in pages), pages


def test_me_is_my_record_in_every_language() -> None:
    texts = {
        language: dict(_messages(language))["/me — your membership record; ask for a correction"]
        for language in LANGUAGES
    }
    assert "менің деректерім" in texts["kk"]
    assert "моя анкета" in texts["ru"]
    assert "my membership record" in texts["en"]
