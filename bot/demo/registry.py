"""A realistic synthetic member registry for demos and load tests (no real people).

``generate_members`` streams members with valid, unique IINs and phones, Kazakh (~70%)
and Russian (~30%) names whose grammatical forms agree with the sex in the IIN, real towns
of each region as birthplaces, and 20-50 primary organisations (PPO) per region.
Output is deterministic for a seed; memory does not grow with ``n``.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import math
import os
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from bot.domain.iin import Sex
from bot.domain.members import RegistryEntry
from bot.domain.regions import REGIONS

__all__ = [
    "BIRTH_FIRST",
    "BIRTH_LAST",
    "CSV_HEADERS_EN",
    "EARLIEST_JOIN",
    "REFERENCE_DATE",
    "csv_row",
    "generate_members",
    "ppo_names",
    "write_csv",
]

REFERENCE_DATE = dt.date(2026, 1, 1)
"""Every ``joined_on`` is strictly before this date."""
EARLIEST_JOIN = dt.date(1999, 3, 1)
"""No one joined before the party's founding congress."""
BIRTH_FIRST = dt.date(1950, 1, 1)
BIRTH_LAST = dt.date(2005, 12, 31)
CANDIDATE_SHARE = 0.10

CSV_HEADERS_EN: tuple[str, ...] = (
    "iin",
    "last_name",
    "first_name",
    "patronymic",
    "phone",
    "region",
    "ppo",
    "status",
    "joined_on",
    "birthplace",
    "workplace",
    "position",
    "education",
    "family_status",
)


# --------------------------------------------------------------------------- names

_KK_MALE = (
    "Серік", "Ерлан", "Нұрлан", "Асқар", "Бауыржан", "Дәурен", "Ерболат", "Қайрат", "Мұрат",
    "Ержан", "Арман", "Әли", "Азамат", "Бекзат", "Дәулет", "Жандос", "Жасұлан", "Мақсат",
    "Нұрсұлтан", "Олжас", "Самат", "Талғат", "Тимур", "Ақжол", "Алмас", "Болат", "Ғалым",
    "Еркебұлан", "Мейрам", "Нұржан", "Санжар", "Тоқтар", "Ерасыл", "Әділет", "Айдос",
    "Ерғали", "Қанат", "Марат", "Рүстем", "Сәкен", "Темірлан", "Ұлан", "Біржан", "Абылай",
)  # fmt: skip
_KK_FEMALE = (
    "Айгүл", "Гүлнара", "Динара", "Әсел", "Жанар", "Ақмарал", "Айжан", "Мадина", "Салтанат",
    "Гүлмира", "Ләззат", "Жұлдыз", "Аружан", "Бибігүл", "Дана", "Айнұр", "Назерке", "Сәуле",
    "Меруерт", "Толқын", "Ұлжан", "Шынар", "Камила", "Балжан", "Гаухар", "Жібек", "Мөлдір",
    "Әйгерім", "Индира", "Раушан", "Перизат", "Асем", "Гүлжан", "Қарлығаш", "Нұргүл",
)  # fmt: skip
# Male forms; the female form adds "а" (Жұмабаев → Жұмабаева, Мұқанов → Мұқанова).
_KK_SURNAMES = (
    "Жұмабаев", "Нұрланов", "Сейітов", "Әбенов", "Ахметов", "Омаров", "Оспанов", "Қасымов",
    "Сұлтанов", "Тоқтаров", "Бекмұхамбетов", "Исаев", "Ермеков", "Мұқанов", "Серікбаев",
    "Қалиев", "Жақыпов", "Байжанов", "Әлімжанов", "Ибраимов", "Смағұлов", "Тұрсынов",
    "Есенов", "Дүйсенов", "Мамыров", "Байтұрсынов", "Әуезов", "Абдрахманов", "Кенжебаев",
    "Нұрпейісов", "Сәрсенбаев", "Рахимов", "Шәріпов", "Төлеуов", "Жанұзақов", "Құдайбергенов",
    "Бейсенов", "Ысқақов", "Шалабаев", "Мусин", "Баймұханов", "Әбділдин", "Оразалин",
    "Тәжібаев", "Қожахметов", "Сарсенов", "Ұзақбаев", "Аманжолов", "Ғабдуллин", "Темірханов",
)  # fmt: skip
_RU_MALE = (
    "Сергей", "Александр", "Андрей", "Дмитрий", "Алексей", "Владимир", "Николай", "Евгений",
    "Игорь", "Виктор", "Михаил", "Олег", "Павел", "Юрий", "Константин", "Максим", "Артём",
    "Иван", "Денис", "Роман", "Вячеслав", "Анатолий", "Геннадий", "Валерий", "Виталий",
)  # fmt: skip
_RU_FEMALE = (
    "Анна", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Мария", "Екатерина",
    "Юлия", "Марина", "Галина", "Людмила", "Оксана", "Валентина", "Виктория", "Анастасия",
    "Дарья", "Ксения", "Лариса", "Нина", "Вера", "Надежда", "Любовь", "Алина",
)  # fmt: skip
# Father's name → (male, female) patronymic.
_RU_PATRONYMICS = (
    ("Сергеевич", "Сергеевна"), ("Александрович", "Александровна"), ("Андреевич", "Андреевна"),
    ("Дмитриевич", "Дмитриевна"), ("Алексеевич", "Алексеевна"), ("Владимирович", "Владимировна"),
    ("Николаевич", "Николаевна"), ("Евгеньевич", "Евгеньевна"), ("Игоревич", "Игоревна"),
    ("Викторович", "Викторовна"), ("Михайлович", "Михайловна"), ("Олегович", "Олеговна"),
    ("Павлович", "Павловна"), ("Юрьевич", "Юрьевна"), ("Константинович", "Константиновна"),
    ("Иванович", "Ивановна"), ("Петрович", "Петровна"), ("Васильевич", "Васильевна"),
    ("Анатольевич", "Анатольевна"), ("Геннадьевич", "Геннадьевна"), ("Валерьевич", "Валерьевна"),
    ("Витальевич", "Витальевна"), ("Григорьевич", "Григорьевна"), ("Фёдорович", "Фёдоровна"),
)  # fmt: skip
_RU_SURNAMES = (
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
    "Захаров", "Зайцев", "Соловьёв", "Борисов", "Яковлев", "Григорьев", "Романов", "Сергеев",
    "Кириллов", "Ильин", "Гусев", "Титов", "Кудрявцев", "Баранов", "Куликов", "Белов",
    "Медведев", "Ершов", "Карпов", "Афанасьев", "Власов", "Маслов", "Тихонов", "Гаврилов",
)  # fmt: skip

_KK_TO_RU = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и"}
)
_VOWELS = frozenset("аәеёиоөуұүыіэюя")


def _kk_patronymics(father: str) -> tuple[str, str, str, str]:
    """(kk male, kk female, ru-style male, ru-style female) patronymics from a father's name."""
    kk_m, kk_f = f"{father}ұлы", f"{father}қызы"
    if father[-1] in _VOWELS:  # Әли → Әлиұлы; the Russian-style form is rare, keep Kazakh.
        return kk_m, kk_f, kk_m, kk_f
    ru = father.translate(_KK_TO_RU)
    return kk_m, kk_f, f"{ru}ович", f"{ru}овна"


def _female_surname(male: str) -> str:
    if male.endswith("ұлы"):
        return male[:-3] + "қызы"
    return male + "а"


# --------------------------------------------------------------------------- regions


@dataclass(frozen=True, slots=True)
class _RegionData:
    weight: int  # population, thousands (approximate)
    ru_share: float  # share of members with Russian names
    industry: str
    towns: tuple[tuple[str, str], ...]  # (ru, kk); the first one is the centre


_REGION_DATA: dict[str, _RegionData] = {
    "ABY": _RegionData(600, 0.30, "agro", (
        ("Семей", "Семей"), ("Курчатов", "Курчатов"), ("Аягоз", "Аягөз"), ("Урджар", "Үржар"),
        ("Бородулиха", "Бородулиха"), ("Калбатау", "Қалбатау"), ("Караул", "Қарауыл"),
        ("Кокпекты", "Көкпекті"), ("Бескарагай", "Бесқарағай"), ("Маканчи", "Мақаншы"),
    )),
    "AKM": _RegionData(790, 0.50, "agro", (
        ("Кокшетау", "Көкшетау"), ("Степногорск", "Степногорск"), ("Щучинск", "Щучинск"),
        ("Атбасар", "Атбасар"), ("Макинск", "Макинск"), ("Степняк", "Степняк"),
        ("Ерейментау", "Ерейментау"), ("Есиль", "Есіл"), ("Державинск", "Державинск"),
        ("Акколь", "Ақкөл"), ("Косшы", "Қосшы"),
    )),
    "AKT": _RegionData(930, 0.18, "oil", (
        ("Актобе", "Ақтөбе"), ("Хромтау", "Хромтау"), ("Кандыагаш", "Қандыағаш"),
        ("Шалкар", "Шалқар"), ("Алга", "Алға"), ("Эмба", "Ембі"), ("Темир", "Темір"),
        ("Мартук", "Мәртөк"), ("Кобда", "Қобда"),
    )),
    "ALM": _RegionData(1500, 0.25, "agro", (
        ("Конаев", "Қонаев"), ("Талгар", "Талғар"), ("Каскелен", "Қаскелең"), ("Есик", "Есік"),
        ("Шелек", "Шелек"), ("Узынагаш", "Ұзынағаш"), ("Кеген", "Кеген"),
        ("Нарынкол", "Нарынқол"), ("Баканас", "Бақанас"), ("Отеген батыр", "Өтеген батыр"),
    )),
    "ATY": _RegionData(700, 0.08, "oil", (
        ("Атырау", "Атырау"), ("Кульсары", "Құлсары"), ("Макат", "Мақат"),
        ("Доссор", "Доссор"), ("Индерборский", "Индербор"), ("Аккистау", "Аққыстау"),
        ("Ганюшкино", "Ганюшкино"), ("Миялы", "Миялы"),
    )),
    "EKZ": _RegionData(720, 0.55, "mining", (
        ("Усть-Каменогорск", "Өскемен"), ("Риддер", "Риддер"), ("Алтай", "Алтай"),
        ("Шемонаиха", "Шемонаиха"), ("Глубокое", "Глубокое"), ("Зайсан", "Зайсан"),
        ("Серебрянск", "Серебрянск"), ("Большенарымское", "Үлкен Нарын"),
        ("Катон-Карагай", "Катонқарағай"), ("Куршим", "Күршім"),
    )),
    "ZHA": _RegionData(1220, 0.15, "agro", (
        ("Тараз", "Тараз"), ("Каратау", "Қаратау"), ("Жанатас", "Жаңатас"), ("Шу", "Шу"),
        ("Мерке", "Мерке"), ("Кордай", "Қордай"), ("Сарыкемер", "Сарыкемер"),
        ("Кулан", "Құлан"), ("Бауыржан Момышулы", "Бауыржан Момышұлы"),
    )),
    "ZHE": _RegionData(700, 0.30, "agro", (
        ("Талдыкорган", "Талдықорған"), ("Текели", "Текелі"), ("Жаркент", "Жаркент"),
        ("Ушарал", "Үшарал"), ("Сарканд", "Сарқан"), ("Уштобе", "Үштөбе"), ("Капал", "Қапал"),
        ("Лепсы", "Лепсі"), ("Коктал", "Көктал"), ("Карабулак", "Қарабұлақ"),
    )),
    "KAR": _RegionData(1130, 0.55, "mining", (
        ("Караганда", "Қарағанды"), ("Темиртау", "Теміртау"), ("Балхаш", "Балқаш"),
        ("Шахтинск", "Шахтинск"), ("Сарань", "Саран"), ("Абай", "Абай"),
        ("Приозёрск", "Приозерск"), ("Каркаралинск", "Қарқаралы"),
        ("Осакаровка", "Осакаровка"), ("Топар", "Топар"),
    )),
    "KOS": _RegionData(830, 0.60, "agro", (
        ("Костанай", "Қостанай"), ("Рудный", "Рудный"), ("Лисаковск", "Лисаковск"),
        ("Аркалык", "Арқалық"), ("Житикара", "Жітіқара"), ("Тобыл", "Тобыл"),
        ("Карабалык", "Қарабалық"), ("Федоровка", "Федоров"), ("Аулиеколь", "Әулиекөл"),
    )),
    "KZY": _RegionData(830, 0.05, "oil", (
        ("Кызылорда", "Қызылорда"), ("Аральск", "Арал"), ("Казалинск", "Қазалы"),
        ("Жанакорган", "Жаңақорған"), ("Шиели", "Шиелі"), ("Теренозек", "Тереңөзек"),
        ("Жосалы", "Жосалы"), ("Айтеке би", "Әйтеке би"),
    )),
    "MAN": _RegionData(770, 0.10, "oil", (
        ("Актау", "Ақтау"), ("Жанаозен", "Жаңаөзен"), ("Форт-Шевченко", "Форт-Шевченко"),
        ("Бейнеу", "Бейнеу"), ("Шетпе", "Шетпе"), ("Курык", "Құрық"), ("Жетыбай", "Жетібай"),
    )),
    "PAV": _RegionData(750, 0.55, "mining", (
        ("Павлодар", "Павлодар"), ("Экибастуз", "Екібастұз"), ("Аксу", "Ақсу"),
        ("Баянаул", "Баянауыл"), ("Шарбакты", "Шарбақты"), ("Успенка", "Успенка"),
        ("Иртышск", "Ертіс"), ("Железинка", "Железинка"), ("Майкаин", "Майқайың"),
    )),
    "NKZ": _RegionData(530, 0.70, "agro", (
        ("Петропавловск", "Петропавл"), ("Булаево", "Булаев"), ("Мамлютка", "Мамлют"),
        ("Сергеевка", "Сергеев"), ("Тайынша", "Тайынша"), ("Смирново", "Смирнов"),
        ("Пресновка", "Пресновка"), ("Саумалколь", "Саумалкөл"), ("Явленка", "Явленка"),
    )),
    "TRK": _RegionData(2140, 0.05, "agro", (
        ("Туркестан", "Түркістан"), ("Кентау", "Кентау"), ("Арыс", "Арыс"),
        ("Сарыагаш", "Сарыағаш"), ("Жетысай", "Жетісай"), ("Шардара", "Шардара"),
        ("Ленгер", "Ленгер"), ("Шолаккорган", "Шолаққорған"), ("Асыката", "Асықата"),
        ("Шаульдер", "Шәуілдір"), ("Аксукент", "Ақсукент"),
    )),
    "ULY": _RegionData(220, 0.25, "mining", (
        ("Жезказган", "Жезқазған"), ("Сатпаев", "Сәтбаев"), ("Каражал", "Қаражал"),
        ("Улытау", "Ұлытау"), ("Жезды", "Жезді"), ("Атасу", "Атасу"),
    )),
    "WKZ": _RegionData(690, 0.30, "oil", (
        ("Уральск", "Орал"), ("Аксай", "Ақсай"), ("Чингирлау", "Шыңғырлау"),
        ("Жымпиты", "Жымпиты"), ("Жанибек", "Жәнібек"), ("Чапаев", "Шапаев"),
        ("Казталовка", "Қазталов"), ("Переметное", "Переметное"),
        ("Дарьинское", "Дарьинск"), ("Таскала", "Тасқала"),
    )),
    "AST": _RegionData(1450, 0.30, "city", (("Астана", "Астана"),)),
    "ALA": _RegionData(2250, 0.45, "city", (("Алматы", "Алматы"),)),
    "SHY": _RegionData(1250, 0.08, "city", (("Шымкент", "Шымкент"),)),
}  # fmt: skip

# (ru company template, kk company template); {m} is the regional centre, {t} another town.
_COMPANIES: dict[str, tuple[tuple[str, str], ...]] = {
    "oil": (
        ("КазМунайГаз-Сервис", "ҚазМұнайГаз-Сервис"),
        ("{m}НефтеСервис", "{m}МұнайСервис"),
        ("{m}МунайТранс", "{m}МұнайТранс"),
        ("{m} Нефтехиммаш", "{m} Мұнайхиммаш"),
    ),
    "mining": (
        ("{m}ГорМаш", "{m}ТауМаш"),
        ("{m}Металл", "{m}Металл"),
        ("{m}Уголь", "{m}Көмір"),
        ("{t}Руда", "{t}Кен"),
    ),
    "agro": (
        ("{t}-Агро", "{t}-Агро"),
        ("{t} Элеватор", "{t} Астық"),
        ("{t}Мясопродукт", "{t}ЕтӨнім"),
        ("Агрофирма «{t}»", "«{t}» агрофирмасы"),
    ),
    "city": (
        ("{m}Транс", "{m}Транс"),
        ("{m}-Сервис", "{m}-Сервис"),
        ("{m}Строй", "{m}Құрылыс"),
        ("{m} Инвест", "{m} Инвест"),
    ),
    "common": (
        ("{m}-Водоканал", "{m} Су Арнасы"),
        ("{m}Энерго", "{m} Жылу"),
        ("{m}ДорСтрой", "{m}ЖолҚұрылыс"),
    ),
}

_POSITIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "health": (
        ("врач-терапевт", "терапевт дәрігер"), ("медицинская сестра", "мейіргер"),
        ("фельдшер", "фельдшер"), ("заведующий отделением", "бөлім меңгерушісі"),
        ("врач-педиатр", "педиатр дәрігер"), ("акушер-гинеколог", "акушер-гинеколог"),
        ("санитар", "санитар"), ("главная медицинская сестра", "бас мейіргер"),
    ),
    "education": (
        ("учитель", "мұғалім"), ("учитель начальных классов", "бастауыш сынып мұғалімі"),
        ("заместитель директора", "директордың орынбасары"), ("воспитатель", "тәрбиеші"),
        ("педагог-психолог", "педагог-психолог"), ("преподаватель", "оқытушы"),
        ("директор", "директор"), ("библиотекарь", "кітапханашы"),
    ),
    "government": (
        ("главный специалист", "бас маман"), ("ведущий специалист", "жетекші маман"),
        ("руководитель отдела", "бөлім басшысы"), ("заместитель акима", "әкім орынбасары"),
        ("эксперт", "сарапшы"), ("юрист", "заңгер"),
    ),
    "industry": (
        ("инженер", "инженер"), ("оператор", "оператор"), ("мастер участка", "учаске шебері"),
        ("слесарь-ремонтник", "жөндеуші слесарь"), ("электромонтёр", "электр монтері"),
        ("машинист", "машинист"), ("водитель", "жүргізуші"), ("бухгалтер", "бухгалтер"),
        ("экономист", "экономист"), ("начальник цеха", "цех бастығы"),
        ("электрогазосварщик", "электргаздәнекерлеуші"),
    ),
    "agro": (
        ("агроном", "агроном"), ("механизатор", "механизатор"),
        ("ветеринарный врач", "мал дәрігері"), ("тракторист", "тракторшы"),
        ("бухгалтер", "бухгалтер"), ("зоотехник", "зоотехник"), ("водитель", "жүргізуші"),
    ),
    "services": (
        ("менеджер", "менеджер"), ("оператор", "оператор"), ("кассир", "кассир"),
        ("почтальон", "пошташы"), ("специалист", "маман"),
        ("начальник отделения", "бөлімше бастығы"),
    ),
}  # fmt: skip
_PENSIONER = ("пенсионер", "зейнеткер")

_EDUCATION = (  # (ru, kk, weight)
    ("высшее", "жоғары", 52),
    ("среднее специальное", "орта арнаулы", 30),
    ("среднее", "орта", 10),
    ("неполное высшее", "аяқталмаған жоғары", 5),
    ("послевузовское", "жоғары оқу орнынан кейінгі", 3),
)
_FAMILY_STATUS = {  # sex → ((ru, kk) for married, single, divorced, widowed)
    Sex.MALE: (("женат", "үйленген"), ("холост", "үйленбеген"),
               ("разведён", "ажырасқан"), ("вдовец", "жесір")),
    Sex.FEMALE: (("замужем", "тұрмыста"), ("не замужем", "тұрмысқа шықпаған"),
                 ("разведена", "ажырасқан"), ("вдова", "жесір")),
}  # fmt: skip
# Age band upper bounds and weights of (married, single, divorced, widowed).
_FAMILY_BY_AGE = (
    (25, (24, 75, 1, 0)),
    (35, (70, 22, 8, 0)),
    (60, (80, 5, 10, 5)),
    (200, (70, 3, 7, 20)),
)


@dataclass(frozen=True, slots=True)
class _Ppo:
    name: str
    workplace: str
    sector: str


def _ppo_candidates(code: str, rng: random.Random) -> tuple[str, str, str]:
    """One random (PPO name, workplace, sector) for a region."""
    data = _REGION_DATA[code]
    is_city = len(data.towns) == 1
    m_ru, m_kk = data.towns[0]
    t_ru, t_kk = data.towns[rng.randrange(1, len(data.towns))] if not is_city else data.towns[0]
    kk = rng.random() < (0.35 if data.ru_share > 0.4 else 0.6)
    n = rng.randrange(1, 60)
    p = rng.randrange(1, 150)
    kind = rng.choices(
        ("health", "school", "kindergarten", "college", "akimat", "post", "company"),
        weights=(16, 24, 8, 5, 6, 4, 37),
    )[0]
    if kind == "health":
        if is_city or rng.random() < 0.5:
            if kk:
                wp = f"«{m_kk} қалалық №{n} емханасы» ШЖҚ МКК"
                return f"БПҰ №{p} «{m_kk} қалалық №{n} емханасы»", wp, "health"
            wp = f"КГП на ПХВ «Городская поликлиника №{n}», г. {m_ru}"
            return f"ППО {wp}", wp, "health"
        if kk:
            wp = f"«{t_kk} аудандық ауруханасы» ШЖҚ МКК"
            return f"БПҰ №{p} «{t_kk} аудандық ауруханасы»", wp, "health"
        wp = f"КГП на ПХВ «Центральная районная больница», {t_ru}"
        return f"ППО {wp}", wp, "health"
    if kind == "school":
        if kk:
            town = m_kk if rng.random() < 0.6 else t_kk
            wp = f"«№{n} жалпы білім беретін мектеп» КММ, {town}"
            return f"БПҰ №{p} «№{n} жалпы білім беретін мектеп», {town}", wp, "education"
        town = m_ru if rng.random() < 0.6 else t_ru
        wp = f"КГУ «Школа-гимназия №{n}», {town}"
        return f"ППО {wp}", wp, "education"
    if kind == "kindergarten":
        if kk:
            wp = f"«№{n} бөбекжай-балабақша» МКҚК, {m_kk}"
            return f"БПҰ №{p} «№{n} бөбекжай-балабақша», {m_kk}", wp, "education"
        wp = f"ГККП «Ясли-сад №{n}», г. {m_ru}"
        return f"ППО {wp}", wp, "education"
    if kind == "college":
        if kk:
            wp = f"«{m_kk} жоғары колледжі» МКҚК"
            return f"БПҰ «{m_kk} жоғары колледжі»", wp, "education"
        wp = f"ГККП «Высший колледж г. {m_ru}»"
        return f"ППО {wp}", wp, "education"
    if kind == "akimat":
        central = is_city or rng.random() < 0.4
        if kk:
            wp = f"«{m_kk} қаласы әкімінің аппараты» ММ" if central else f"«{t_kk} әкімдігі» ММ"
            return f"БПҰ {wp}", wp, "government"
        if central:
            wp = f"ГУ «Аппарат акима г. {m_ru}»"
        else:
            wp = f"ГУ «Отдел занятости и социальных программ», {t_ru}"
        return f"ППО {wp}", wp, "government"
    if kind == "post":
        if kk:
            wp = f"«Қазпошта» АҚ {m_kk} филиалы"
            return f"БПҰ {wp}", wp, "services"
        wp = f"Филиал АО «Казпочта», г. {m_ru}"
        return f"ППО {wp}", wp, "services"
    templates = _COMPANIES[data.industry] + _COMPANIES["common"]
    ru_tpl, kk_tpl = templates[rng.randrange(len(templates))]
    sector = {"oil": "industry", "mining": "industry", "agro": "agro", "city": "services"}[
        data.industry
    ]
    legal_ru, legal_kk = ("АО", "АҚ") if rng.random() < 0.3 else ("ТОО", "ЖШС")
    if kk:
        company = kk_tpl.format(m=m_kk, t=t_kk)
        wp = f"«{company}» {legal_kk}" if "«" not in company else f"{company} {legal_kk}"
        return f"БПҰ {wp}", wp, sector
    company = ru_tpl.format(m=m_ru, t=t_ru)
    wp = f"{legal_ru} «{company}»" if "«" not in company else f"{legal_ru} {company}"
    return f"ППО {wp}", wp, sector


@cache
def _ppos(code: str) -> tuple[_Ppo, ...]:
    """20-50 primary organisations of a region, the same in every run."""
    rng = random.Random(f"ppo:{code}")
    count = rng.randrange(20, 51)
    seen: dict[str, _Ppo] = {}
    while len(seen) < count:
        name, workplace, sector = _ppo_candidates(code, rng)
        seen.setdefault(name, _Ppo(name, workplace, sector))
    return tuple(seen.values())


def ppo_names(region_code: str) -> tuple[str, ...]:
    """The demo primary organisation (PPO) names of a region, deterministic across runs."""
    return tuple(p.name for p in _ppos(region_code))


# --------------------------------------------------------------------------- IIN tables


@dataclass(frozen=True, slots=True)
class _Days:
    dates: tuple[dt.date, ...]
    prefixes: tuple[tuple[str, str], ...]  # (male, female) first 7 digits
    sums: tuple[tuple[int, int, int, int], ...]  # male p1, p2, female p1, p2 over 7 digits
    adult_ord: tuple[int, ...]  # ordinal of the 18th birthday


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False))


@cache
def _days() -> _Days:
    dates: list[dt.date] = []
    prefixes: list[tuple[str, str]] = []
    sums: list[tuple[int, int, int, int]] = []
    adult: list[int] = []
    w1, w2 = (1, 2, 3, 4, 5, 6, 7), (3, 4, 5, 6, 7, 8, 9)
    for ordinal in range(BIRTH_FIRST.toordinal(), BIRTH_LAST.toordinal() + 1):
        day = dt.date.fromordinal(ordinal)
        century = (day.year // 100 - 18) * 2
        male, female = f"{day:%y%m%d}{century + 1}", f"{day:%y%m%d}{century + 2}"
        dates.append(day)
        prefixes.append((male, female))
        sums.append((_weighted(male, w1), _weighted(male, w2), _weighted(female, w1),
                     _weighted(female, w2)))  # fmt: skip
        try:
            adult.append(day.replace(year=day.year + 18).toordinal())
        except ValueError:  # 29 February → 1 March
            adult.append(dt.date(day.year + 18, 3, 1).toordinal())
    return _Days(tuple(dates), tuple(prefixes), tuple(sums), tuple(adult))


@cache
def _serials() -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """Serial strings and their contributions to both check sums (digits 8-11)."""
    texts = tuple(f"{s:04d}" for s in range(10_000))
    s1 = tuple(_weighted(t, (8, 9, 10, 11)) for t in texts)
    s2 = tuple(_weighted(t, (10, 11, 1, 2)) for t in texts)
    return texts, s1, s2


# --------------------------------------------------------------------------- phones

_MOBILE_CODES = (
    "700",
    "701",
    "702",
    "705",
    "707",
    "708",
    "747",
    "771",
    "775",
    "776",
    "777",
    "778",
)
_PHONE_SPACE = len(_MOBILE_CODES) * 10_000_000


def _phone_permutation(rng: random.Random) -> tuple[int, int]:
    """(a, b) of a bijection i → (a·i + b) mod space, so phones are unique without a set."""
    a = rng.randrange(_PHONE_SPACE // 3, _PHONE_SPACE) | 1
    while math.gcd(a, _PHONE_SPACE) != 1:
        a += 2
    return a, rng.randrange(_PHONE_SPACE)


# --------------------------------------------------------------------------- generator


def _lookup(weights: Iterable[float], size: int = 1024) -> tuple[int, ...]:
    """A table mapping int(random() * size) to an index drawn with the given weights."""
    cum: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    return tuple(
        min(bisect.bisect_right(cum, (k + 0.5) / size * total), len(cum) - 1) for k in range(size)
    )


def generate_members(n: int, *, seed: int = 0) -> Iterator[RegistryEntry]:
    """Stream ``n`` synthetic members, deterministic for ``seed``; memory does not grow with n."""
    if n < 0:
        raise ValueError("n must be non-negative")
    if n > _PHONE_SPACE:
        raise ValueError(f"at most {_PHONE_SPACE} unique members can be generated")
    return _generate(n, seed)


def _generate(n: int, seed: int) -> Iterator[RegistryEntry]:
    rng = random.Random(seed)
    rand = rng.random
    phone_a, phone_b = _phone_permutation(rng)
    serial_base = rng.randrange(10_000)

    days = _days()
    dates, prefixes, sums, adult_ord = days.dates, days.prefixes, days.sums, days.adult_ord
    n_days = len(dates)
    serial_text, serial_s1, serial_s2 = _serials()
    used: dict[int, int] = {}  # (day, sex) → serials taken; bounded by days x 2, not by n

    codes = tuple(r.code for r in REGIONS)
    region_table = _lookup(_REGION_DATA[c].weight for c in codes)
    ru_share = tuple(_REGION_DATA[c].ru_share for c in codes)
    towns = tuple(_REGION_DATA[c].towns for c in codes)
    ppos = tuple(_ppos(c) for c in codes)

    kk_fathers = tuple(_kk_patronymics(f) for f in _KK_MALE)
    kk_surnames = tuple((s, _female_surname(s)) for s in _KK_SURNAMES)
    ru_surnames = tuple((s, _female_surname(s)) for s in _RU_SURNAMES)
    education_table = _lookup(w for _, _, w in _EDUCATION)
    education = tuple((ru, kk) for ru, kk, _ in _EDUCATION)
    family_tables = tuple((limit, _lookup(weights)) for limit, weights in _FAMILY_BY_AGE)

    ref_ord = REFERENCE_DATE.toordinal()
    join_first = EARLIEST_JOIN.toordinal()
    join_dates = tuple(dt.date.fromordinal(o) for o in range(join_first, ref_ord))
    ref_year = REFERENCE_DATE.year
    male, female = Sex.MALE, Sex.FEMALE

    for i in range(n):
        # --- birth date, sex and a unique IIN
        female_flag = rand() < 0.52
        sex_index = 1 if female_flag else 0
        while True:
            day = int((rand() + rand()) * 0.5 * n_days)
            key = day * 2 + sex_index
            taken = used.get(key, 0)
            if taken < 9_900:
                break
        p1, p2 = sums[day][2 * sex_index : 2 * sex_index + 2]
        start = (serial_base + key * 7_919) % 10_000
        while True:
            serial = (start + taken) % 10_000
            taken += 1
            check = (p1 + serial_s1[serial]) % 11
            if check == 10:
                check = (p2 + serial_s2[serial]) % 11
                if check == 10:
                    continue
            break
        used[key] = taken
        iin = f"{prefixes[day][sex_index]}{serial_text[serial]}{check}"
        birth = dates[day]
        age = ref_year - birth.year

        # --- region and name
        r = region_table[int(rand() * 1024)]
        russian = rand() < ru_share[r]
        if russian:
            lang = 0
            first = (_RU_FEMALE if female_flag else _RU_MALE)[int(rand() * 25)]
            last = ru_surnames[int(rand() * len(ru_surnames))][sex_index]
            patronymic = _RU_PATRONYMICS[int(rand() * len(_RU_PATRONYMICS))][sex_index]
        else:
            lang = 1 if rand() < 0.55 else 0
            if female_flag:
                first = _KK_FEMALE[int(rand() * len(_KK_FEMALE))]
            else:
                first = _KK_MALE[int(rand() * len(_KK_MALE))]
            u = rand()
            if u < 0.05:
                grandfather = _KK_MALE[int(rand() * len(_KK_MALE))]
                last = grandfather + ("қызы" if female_flag else "ұлы")
            else:
                last = kk_surnames[int(rand() * len(kk_surnames))][sex_index]
            father = kk_fathers[int(rand() * len(kk_fathers))]
            u = rand()
            if u < 0.06:
                patronymic = ""
            elif u < 0.36:
                patronymic = father[2 + sex_index]
            else:
                patronymic = father[sex_index]

        region_towns = towns[r]
        birthplace = region_towns[int(rand() * len(region_towns))][lang]
        region_ppos = ppos[r]
        ppo = region_ppos[int(rand() * len(region_ppos))]

        # --- membership
        adult = adult_ord[day] + 1
        if rand() < CANDIDATE_SHARE:
            status = "candidate"
            low = max(adult, ref_ord - 365)
        else:
            status = "member"
            low = max(adult, join_first)
        joined = join_dates[low - join_first + int(rand() * (ref_ord - low))]

        # --- work and family
        retired = age >= (61 if female_flag else 63) and rand() < 0.7
        if retired:
            workplace = position = _PENSIONER[lang]
        else:
            workplace = ppo.workplace
            positions = _POSITIONS[ppo.sector]
            position = positions[int(rand() * len(positions))][lang]
        edu = education[education_table[int(rand() * 1024)]][lang]
        for limit, table in family_tables:
            if age < limit:
                family = _FAMILY_STATUS[female if female_flag else male][
                    table[int(rand() * 1024)]
                ][lang]
                break

        x = (phone_a * i + phone_b) % _PHONE_SPACE
        phone = f"+7{_MOBILE_CODES[x // 10_000_000]}{x % 10_000_000:07d}"

        yield RegistryEntry(
            iin,
            last,
            first,
            patronymic,
            phone,
            codes[r],
            ppo.name,
            status,
            joined,
            birthplace,
            workplace,
            position,
            edu,
            family,
        )


def csv_row(member: RegistryEntry) -> tuple[str, ...]:
    """A member as strings in ``CSV_HEADERS_EN`` order (region as its code, ISO dates)."""
    return (
        member.iin,
        member.last_name,
        member.first_name,
        member.patronymic,
        member.phone or "",
        member.region_code,
        member.ppo,
        member.status,
        member.joined_on.isoformat() if member.joined_on else "",
        member.birthplace,
        member.workplace,
        member.position,
        member.education,
        member.family_status,
    )


def write_csv(path: str | os.PathLike[str], members: Iterable[RegistryEntry]) -> int:
    """Write members to a UTF-8 CSV with ``CSV_HEADERS_EN``; return the number of rows."""
    counter = itertools.count()  # zip() stops on members first, so counter holds the count
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADERS_EN)
        writer.writerows(csv_row(m) for m, _ in zip(members, counter, strict=False))
    return next(counter)
