"""Tests for the synthetic demo member registry."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from bot.demo.registry import (
    _KK_FEMALE,
    _KK_MALE,
    _REGION_DATA,
    _RU_FEMALE,
    _RU_MALE,
    BIRTH_FIRST,
    BIRTH_LAST,
    CSV_HEADERS_EN,
    EARLIEST_JOIN,
    REFERENCE_DATE,
    generate_members,
    ppo_names,
    write_csv,
)
from bot.domain.iin import Sex, parse_iin
from bot.domain.members import RegistryEntry
from bot.domain.regions import REGIONS, find_region, region_by_code

N = 10_000
PHONE = re.compile(r"\+77\d{9}")
MALE_SURNAME = ("ов", "ев", "ёв", "ин", "ұлы")
FEMALE_SURNAME = ("ова", "ева", "ёва", "ина", "қызы")
MALE_PATRONYMIC = ("ович", "евич", "ұлы")
FEMALE_PATRONYMIC = ("овна", "евна", "қызы")


@pytest.fixture(scope="module")
def members() -> list[RegistryEntry]:
    return list(generate_members(N, seed=42))


def _eighteenth_birthday(born: dt.date) -> dt.date:
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # 29 February
        return dt.date(born.year + 18, 3, 1)


def test_count(members: list[RegistryEntry]) -> None:
    assert len(members) == N


def test_iins_are_valid_and_birth_dates_in_range(members: list[RegistryEntry]) -> None:
    for m in members:
        assert BIRTH_FIRST <= parse_iin(m.iin).birth_date <= BIRTH_LAST


def test_iins_and_phones_are_unique(members: list[RegistryEntry]) -> None:
    assert len({m.iin for m in members}) == N
    assert len({m.phone for m in members}) == N
    assert all(PHONE.fullmatch(m.phone) for m in members)


def test_name_forms_match_sex(members: list[RegistryEntry]) -> None:
    for m in members:
        if m.parsed_iin.sex is Sex.FEMALE:
            assert m.first_name in _KK_FEMALE or m.first_name in _RU_FEMALE, m
            assert m.last_name.endswith(FEMALE_SURNAME), m
            assert m.patronymic == "" or m.patronymic.endswith(FEMALE_PATRONYMIC), m
        else:
            assert m.first_name in _KK_MALE or m.first_name in _RU_MALE, m
            assert m.last_name.endswith(MALE_SURNAME), m
            assert not m.last_name.endswith(FEMALE_SURNAME), m
            assert m.patronymic == "" or m.patronymic.endswith(MALE_PATRONYMIC), m


def test_kazakh_and_russian_name_mix(members: list[RegistryEntry]) -> None:
    russian = sum(m.first_name in _RU_MALE or m.first_name in _RU_FEMALE for m in members)
    assert 0.25 < russian / N < 0.35
    assert any(m.patronymic == "" for m in members)
    assert any(m.patronymic.endswith("ұлы") for m in members)
    assert any(m.patronymic.endswith("овна") for m in members)


def test_regions_birthplaces_and_ppos(members: list[RegistryEntry]) -> None:
    assert {m.region_code for m in members} == {r.code for r in REGIONS}
    for m in members:
        region_by_code(m.region_code)
        towns = {name for pair in _REGION_DATA[m.region_code].towns for name in pair}
        assert m.birthplace in towns, m
        assert m.ppo in ppo_names(m.region_code), m
        assert m.workplace
        assert m.position
        assert m.education
        assert m.family_status


def test_membership_dates_and_status(members: list[RegistryEntry]) -> None:
    for m in members:
        assert m.status in ("member", "candidate")
        assert m.joined_on > _eighteenth_birthday(m.parsed_iin.birth_date), m
        assert EARLIEST_JOIN <= m.joined_on < REFERENCE_DATE, m
        if m.status == "candidate":
            assert m.joined_on >= REFERENCE_DATE - dt.timedelta(days=365)
    candidates = sum(m.status == "candidate" for m in members)
    assert 0.08 < candidates / N < 0.12


def test_deterministic_per_seed() -> None:
    first = list(generate_members(500, seed=7))
    assert first == list(generate_members(500, seed=7))
    assert first != list(generate_members(500, seed=8))
    # A shorter run is a prefix of a longer one with the same seed.
    assert first[:100] == list(generate_members(100, seed=7))


def test_streaming_is_lazy() -> None:
    huge = generate_members(100_000_000, seed=1)
    assert len(list(itertools.islice(huge, 3))) == 3


@pytest.mark.parametrize("n", [-1, 10**9])
def test_rejects_impossible_sizes(n: int) -> None:
    with pytest.raises(ValueError, match=r"n must|at most"):
        generate_members(n)


def test_ppo_names_per_region() -> None:
    for region in REGIONS:
        names = ppo_names(region.code)
        assert 20 <= len(names) <= 50
        assert len(set(names)) == len(names)
        assert names == ppo_names(region.code)
        assert all(name.startswith(("ППО ", "БПҰ ")) for name in names)


def test_write_csv(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    source = list(generate_members(200, seed=3))
    assert write_csv(path, iter(source)) == 200
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_HEADERS_EN
        rows = list(reader)
    assert len(rows) == 200
    for row, m in zip(rows, source, strict=True):
        assert row["iin"] == m.iin
        assert row["region"] == m.region_code
        assert row["ppo"] == m.ppo
        assert row["joined_on"] == m.joined_on.isoformat()
        assert row["patronymic"] == m.patronymic
        assert row["family_status"] == m.family_status


# --- regions as written in registry imports ---------------------------------------------------


def test_region_table() -> None:
    assert len(REGIONS) == 20
    assert sum(r.kind.value == "region" for r in REGIONS) == 17
    assert region_by_code("shy").name("kk") == "Шымкент"
    assert region_by_code("TRK").name("ru-RU") == "Туркестанская область"
    assert region_by_code("ZHE").name("xx") == "Jetisu Region"
    with pytest.raises(ValueError, match="expected one of"):
        region_by_code("XXX")


def test_every_name_finds_its_region() -> None:
    for region in REGIONS:
        for text in (region.code, region.code.lower(), region.name_en, region.name_ru,
                     region.name_kk, region.name_kk.upper()):  # fmt: skip
            assert find_region(text) == region, text


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Туркестанская обл.", "TRK"),
        ("Turkistan", "TRK"),
        ("Түркістан облысы", "TRK"),
        ("Туркистан облысы", "TRK"),
        ("Алматы", "ALA"),
        ("г. Алматы", "ALA"),
        ("Алматы облысы", "ALM"),
        ("Almaty Region", "ALM"),
        ("Восточно-Казахстанская обл", "EKZ"),
        ("ВКО", "EKZ"),
        ("область Абай", "ABY"),
        ("Nur-Sultan", "AST"),
        ("Шымкент қаласы", "SHY"),
    ],
)
def test_find_region_tolerates_common_forms(text: str, code: str) -> None:
    region = find_region(text)
    assert region is not None
    assert region.code == code


@pytest.mark.parametrize("text", ["", "   ", "обл.", "Москва", "XYZ"])
def test_find_region_unknown(text: str) -> None:
    assert find_region(text) is None
