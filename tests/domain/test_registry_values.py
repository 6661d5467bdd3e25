"""The registry's coded words, read in Russian or Kazakh, whatever their case or "ё"."""

from __future__ import annotations

import pytest

from bot.domain.registry_values import Education, FamilyStatus, education_of, family_status_of


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("жоғары", Education.HIGHER),
        ("Высшее", Education.HIGHER),
        ("среднее  специальное", Education.SPECIALISED_SECONDARY),
        ("аяқталмаған жоғары", Education.INCOMPLETE_HIGHER),
        ("жоғары оқу орнынан кейінгі", Education.POSTGRADUATE),
        ("MBA, Нархоз", None),
        (None, None),
    ],
)
def test_education_words(word: str | None, expected: Education | None) -> None:
    assert education_of(word) == expected


@pytest.mark.parametrize(
    ("word", "female", "expected"),
    [
        ("тұрмыста", True, FamilyStatus.MARRIED_WOMAN),
        ("женат", False, FamilyStatus.MARRIED_MAN),
        ("разведён", False, FamilyStatus.DIVORCED_MAN),
        ("разведен", False, FamilyStatus.DIVORCED_MAN),
        ("ажырасқан", True, FamilyStatus.DIVORCED_WOMAN),
        ("жесір", False, FamilyStatus.WIDOWER),
        ("жесір", True, FamilyStatus.WIDOW),
        ("в гражданском браке", True, None),
    ],
)
def test_family_status_words(word: str, female: bool, expected: FamilyStatus | None) -> None:
    assert family_status_of(word, female=female) == expected
