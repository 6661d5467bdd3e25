"""The 17 regions (oblys) and 3 cities of republican significance of Kazakhstan."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

__all__ = [
    "REGIONS",
    "Region",
    "RegionKind",
    "find_region",
    "region_by_code",
]


class RegionKind(StrEnum):
    """An oblys (region) or a city of republican significance."""

    REGION = "region"
    CITY = "city"


@dataclass(frozen=True, slots=True)
class Region:
    """A region or city with its glossary names in English, Russian and Kazakh."""

    code: str
    kind: RegionKind
    name_en: str
    name_ru: str
    name_kk: str

    def name(self, locale: str) -> str:
        """The name for a locale such as ``kk``, ``ru-RU`` or ``en``; English otherwise."""
        lang = locale[:2].lower()
        if lang == "kk":
            return self.name_kk
        if lang == "ru":
            return self.name_ru
        return self.name_en


def region_rows() -> list[dict[str, str]]:
    """The regions as rows of the `regions` table (a new database is given them)."""
    return [
        {
            "code": region.code,
            "kind": region.kind.value,
            "name_kk": region.name_kk,
            "name_ru": region.name_ru,
            "name_en": region.name_en,
        }
        for region in REGIONS
    ]


_R = RegionKind.REGION
_C = RegionKind.CITY

REGIONS: tuple[Region, ...] = (
    Region("ABY", _R, "Abai Region", "область Абай", "Абай облысы"),
    Region("AKM", _R, "Akmola Region", "Акмолинская область", "Ақмола облысы"),
    Region("AKT", _R, "Aktobe Region", "Актюбинская область", "Ақтөбе облысы"),
    Region("ALM", _R, "Almaty Region", "Алматинская область", "Алматы облысы"),
    Region("ATY", _R, "Atyrau Region", "Атырауская область", "Атырау облысы"),
    Region(
        "EKZ",
        _R,
        "East Kazakhstan Region",
        "Восточно-Казахстанская область",
        "Шығыс Қазақстан облысы",
    ),
    Region("ZHA", _R, "Jambyl Region", "Жамбылская область", "Жамбыл облысы"),
    Region("ZHE", _R, "Jetisu Region", "область Жетісу", "Жетісу облысы"),
    Region("KAR", _R, "Karaganda Region", "Карагандинская область", "Қарағанды облысы"),
    Region("KOS", _R, "Kostanay Region", "Костанайская область", "Қостанай облысы"),
    Region("KZY", _R, "Kyzylorda Region", "Кызылординская область", "Қызылорда облысы"),
    Region("MAN", _R, "Mangystau Region", "Мангистауская область", "Маңғыстау облысы"),
    Region("PAV", _R, "Pavlodar Region", "Павлодарская область", "Павлодар облысы"),
    Region(
        "NKZ",
        _R,
        "North Kazakhstan Region",
        "Северо-Казахстанская область",
        "Солтүстік Қазақстан облысы",
    ),
    Region("TRK", _R, "Turkistan Region", "Туркестанская область", "Түркістан облысы"),
    Region("ULY", _R, "Ulytau Region", "область Ұлытау", "Ұлытау облысы"),
    Region(
        "WKZ",
        _R,
        "West Kazakhstan Region",
        "Западно-Казахстанская область",
        "Батыс Қазақстан облысы",
    ),
    Region("AST", _C, "Astana", "Астана", "Астана"),
    Region("ALA", _C, "Almaty", "Алматы", "Алматы"),
    Region("SHY", _C, "Shymkent", "Шымкент", "Шымкент"),
)

_BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}

# Other spellings seen in registries: Russian adjectives without Kazakh letters, Kazakh Latin,
# common abbreviations and former names. Compared after folding (see _fold).
_ALIASES: dict[str, tuple[str, ...]] = {
    "ABY": ("Абай", "Абайская", "Abay", "Semey Region", "Семейская"),
    "AKM": ("Akmola", "Aqmola", "Акмола", "Акмолинская"),
    "AKT": ("Aktobe", "Aqtobe", "Aktyubinsk", "Актобе", "Актюбинская"),
    "ALM": ("Almaty Oblysy", "Алматинская"),
    "ATY": ("Atyrau", "Атырау", "Атырауская"),
    "EKZ": ("East Kazakhstan", "ВКО", "ШҚО", "Shygys Kazakhstan", "Шыгыс Казахстан"),
    "ZHA": ("Zhambyl", "Jambyl", "Жамбыл", "Жамбылская", "Taraz Region"),
    "ZHE": ("Zhetysu", "Jetisu", "Zhetisu", "Жетысу", "Жетысуская"),
    "KAR": ("Karaganda", "Karagandy", "Qaraghandy", "Караганда", "Карагандинская"),
    "KOS": ("Kostanay", "Kostanai", "Qostanay", "Костанай", "Костанайская"),
    "KZY": ("Kyzylorda", "Qyzylorda", "Кызылорда", "Кызылординская"),
    "MAN": ("Mangystau", "Mangistau", "Manghystau", "Мангистау", "Мангыстау", "Мангистауская"),
    "PAV": ("Pavlodar", "Павлодар", "Павлодарская"),
    "NKZ": ("North Kazakhstan", "СКО", "СҚО", "Soltustik Kazakhstan", "Северо Казахстанская"),
    "TRK": (
        "Turkistan",
        "Turkestan",
        "Туркестан",
        "Туркестанская",
        "ЮКО",
        "ОҚО",
        "Южно-Казахстанская",
        "South Kazakhstan",
        "Оңтүстік Қазақстан",
    ),
    "ULY": ("Ulytau", "Улытау", "Улытауская"),
    "WKZ": ("West Kazakhstan", "ЗКО", "БҚО", "Batys Kazakhstan", "Западно Казахстанская"),
    "AST": ("Nur-Sultan", "Нур-Султан", "Нұр-Сұлтан", "Astana City"),
    "ALA": ("Almaty City", "Алма-Ата", "Alma-Ata"),
    "SHY": ("Shymkent City", "Chimkent", "Чимкент"),
}

# Words that only say "region" or "city"; they pick between Almaty the city and the region.
_REGION_WORDS = frozenset(
    {"область", "обл", "облысы", "облысының", "region", "oblast", "oblysy", "reg", "province"}
)
_CITY_WORDS = frozenset(
    {"г", "гор", "город", "city", "қаласы", "каласы", "қ", "qalasy", "kalasy", "shahar", "шаһар"}
)

# Kazakh-specific Cyrillic letters folded to their nearest Russian letters, ё to е, so that
# "Туркистан", "Түркістан" and "ТҮРКІСТАН" compare equal.
_KK_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "й": "и",
        "ı": "i",
    }
)
_NON_WORD = re.compile(r"[^\w]+")


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text).casefold()
    return [w for w in _NON_WORD.split(text.replace("_", " ")) if w]


def _fold(word: str) -> str:
    word = word.translate(_KK_FOLD)
    # Strip accents of Kazakh Latin (á, ú, ǵ, ń, ó, ý …) without touching Cyrillic letters.
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _split(text: str) -> tuple[str, bool, bool]:
    """Folded core words of ``text`` and whether it had region/city marker words."""
    core: list[str] = []
    has_region = has_city = False
    for word in _words(text):
        if word in _REGION_WORDS:
            has_region = True
        elif word in _CITY_WORDS:
            has_city = True
        else:
            core.append(_fold(word))
    return " ".join(core), has_region, has_city


@cache
def _index() -> dict[str, tuple[Region, ...]]:
    index: dict[str, list[Region]] = {}
    for region in REGIONS:
        spellings = (region.name_en, region.name_ru, region.name_kk, *_ALIASES[region.code])
        for spelling in spellings:
            core, _, _ = _split(spelling)
            bucket = index.setdefault(core, [])
            if region not in bucket:
                bucket.append(region)
    return {core: tuple(regions) for core, regions in index.items()}


def region_by_code(code: str) -> Region:
    """The region with this code (case-insensitive); ValueError listing valid codes otherwise."""
    region = _BY_CODE.get(code.strip().upper())
    if region is None:
        valid = ", ".join(_BY_CODE)
        raise ValueError(f"unknown region code {code!r}; expected one of: {valid}")
    return region


def find_region(text: str) -> Region | None:
    """Match a code or a kk/ru/en name (also short forms like "Туркестанская обл."), or None."""
    stripped = text.strip()
    if not stripped:
        return None
    by_code = _BY_CODE.get(stripped.upper())
    if by_code is not None:
        return by_code
    core, has_region, has_city = _split(stripped)
    if not core:
        return None
    candidates = _index().get(core, ())
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    # Ambiguous core such as "Алматы": the city unless the text says "region".
    wanted = RegionKind.REGION if has_region and not has_city else RegionKind.CITY
    for region in candidates:
        if region.kind is wanted:
            return region
    return candidates[0]
