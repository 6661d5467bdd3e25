"""The registry's coded values (education, family status), known in Russian or Kazakh.

The registry writes them as words in one language ("высшее", "тұрмыста"); these are the
concepts behind those words, so each reader can be shown them in their own language.
"""

from __future__ import annotations

from enum import StrEnum


class Education(StrEnum):
    HIGHER = "higher"
    SPECIALISED_SECONDARY = "specialised_secondary"
    SECONDARY = "secondary"
    INCOMPLETE_HIGHER = "incomplete_higher"
    POSTGRADUATE = "postgraduate"


class FamilyStatus(StrEnum):
    MARRIED_MAN = "married_man"
    MARRIED_WOMAN = "married_woman"
    SINGLE_MAN = "single_man"
    SINGLE_WOMAN = "single_woman"
    DIVORCED_MAN = "divorced_man"
    DIVORCED_WOMAN = "divorced_woman"
    WIDOWER = "widower"
    WIDOW = "widow"


_EDUCATION_WORDS: dict[str, Education] = {
    "высшее": Education.HIGHER,
    "жоғары": Education.HIGHER,
    "среднее специальное": Education.SPECIALISED_SECONDARY,
    "орта арнаулы": Education.SPECIALISED_SECONDARY,
    "среднее": Education.SECONDARY,
    "орта": Education.SECONDARY,
    "неполное высшее": Education.INCOMPLETE_HIGHER,
    "аяқталмаған жоғары": Education.INCOMPLETE_HIGHER,
    "послевузовское": Education.POSTGRADUATE,
    "жоғары оқу орнынан кейінгі": Education.POSTGRADUATE,
}

_FAMILY_WORDS: dict[str, FamilyStatus] = {
    "женат": FamilyStatus.MARRIED_MAN,
    "үйленген": FamilyStatus.MARRIED_MAN,
    "замужем": FamilyStatus.MARRIED_WOMAN,
    "тұрмыста": FamilyStatus.MARRIED_WOMAN,
    "холост": FamilyStatus.SINGLE_MAN,
    "үйленбеген": FamilyStatus.SINGLE_MAN,
    "не замужем": FamilyStatus.SINGLE_WOMAN,
    "тұрмысқа шықпаған": FamilyStatus.SINGLE_WOMAN,
    "разведён": FamilyStatus.DIVORCED_MAN,
    "разведена": FamilyStatus.DIVORCED_WOMAN,
    "вдовец": FamilyStatus.WIDOWER,
    "вдова": FamilyStatus.WIDOW,
}
# Kazakh words the same for both sexes: (the man's, the woman's).
_EITHER_SEX: dict[str, tuple[FamilyStatus, FamilyStatus]] = {
    "ажырасқан": (FamilyStatus.DIVORCED_MAN, FamilyStatus.DIVORCED_WOMAN),
    "жесір": (FamilyStatus.WIDOWER, FamilyStatus.WIDOW),
}


def _key(text: str | None) -> str:
    """Case, "ё" and spacing do not matter."""
    return " ".join((text or "").casefold().replace("ё", "е").split())


_EDUCATION = {_key(word): value for word, value in _EDUCATION_WORDS.items()}
_FAMILY = {_key(word): value for word, value in _FAMILY_WORDS.items()}


def education_of(text: str | None) -> Education | None:
    """The education a registry word stands for; None for a free text."""
    return _EDUCATION.get(_key(text))


def family_status_of(text: str | None, *, female: bool) -> FamilyStatus | None:
    """The family status a registry word stands for (the person's sex picks the form)."""
    key = _key(text)
    if key in _EITHER_SEX:
        return _EITHER_SEX[key][1 if female else 0]
    return _FAMILY.get(key)
