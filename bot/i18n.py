"""Message catalogs: where they live, compiling them, and choosing a user's locale."""

from __future__ import annotations

from pathlib import Path

from aiogram.utils.i18n import I18n, get_i18n
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
# Telegram clients set English for many who read Kazakh or Russian better, so only kk and
# ru are taken at their word; everyone else starts in the organisation's default language.
GUESSABLE = frozenset({"kk", "ru"})


def compile_catalogs(locales_dir: Path = LOCALES_DIR) -> list[Path]:
    """Compile every messages.po whose .mo is missing or older; return what was written.

    A fresh clone has only the .po files (the .mo are build output, not committed), so
    the bot compiles them itself at start-up instead of depending on a build step.
    """
    written = []
    for po_path in sorted(locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp_path = mo_path.with_suffix(".mo.tmp")
        with tmp_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp_path.replace(mo_path)  # atomic: a concurrent start never reads half a file
        written.append(mo_path)
    return written


def create_i18n(default_locale: str) -> I18n:
    """aiogram's I18n over our compiled catalogs."""
    compile_catalogs()
    return I18n(path=LOCALES_DIR, default_locale=default_locale, domain=DOMAIN)


def pgettext(context: str, message: str) -> str:
    """`message` in the current locale, as worded for `context` (the catalogs' msgctxt): one
    English word that other languages word apart, e.g. a person's status and a count."""
    i18n = get_i18n()
    translations = i18n.locales.get(i18n.current_locale)
    return message if translations is None else translations.pgettext(context, message)


def guess_language(language_code: str | None, default: str) -> str:
    """Our language for Telegram's `language_code`: kk and ru as they are, else the default."""
    base = (language_code or "").split("-")[0].lower()
    return base if base in GUESSABLE else default
