"""Text made comparable: lowercase, Kazakh and Russian letters folded, punctuation gone, words
cut to a light stem, so that "мектептерге" meets "мектеп" and "школам" meets "школа"."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

# Kazakh letters folded onto their Russian neighbours (and ё, й, ы onto what they sound like in
# a stem; ъ, ь dropped), so that a word borrowed by both languages ("цифрлық", "цифровой")
# shares its stem; Latin written as it sounds, so "internet", "forum", "online" meet their
# Cyrillic twins. Folding happens before stemming: the suffixes below are written folded.
_FOLD = str.maketrans(
    {
        **dict(zip("әғқңөұүһіыёй", "агкноуухииеи", strict=True)),
        **dict(zip("abcdefghiklmnopqrstuvwyz", "абкдефгхиклмнопкрстуввиз", strict=True)),
        "j": "дж",
        "x": "кс",
        "ъ": None,
        "ь": None,
    }
)

_WORD = re.compile(r"[^\W\d_]+")


def _words(listed: str) -> list[str]:
    return listed.split()


# Words that say nothing of the subject (folded, as they are compared).
STOPWORDS = frozenset(
    _words(
        """
        и в во на по с со о об от до за из к ко у не ни но а же ли бы то это как что чтобы
        для при без над под про или их его ее они мы вы он она оно все всех так также еще уже
        там тут где когда которие которая которое нужно надо можно очень более
        жане мен бен пен ушин бойинша туралы да де та те ма ме ба бе па пе ол бул осии сол
        биз сиз олар сен коп бар жок ал бирак немесе керек
        тхе ан оф анд ор то ин он фор витх би ат фром ис аре ас ит тхис тхат ве оур схоулд
        муст кан инто нот но алл
        """
    )
)

# Endings cut from the end of a folded word, longest first, while a stem of MIN_STEM letters
# remains: Russian case, number and a few word-forming endings; Kazakh plural, case and
# possessive suffixes (stacked: мектеп·тер·ге) and word-forming ones (цифр·лик); English
# plurals and the like (folded to Cyrillic as well).
_RUSSIAN = """
    иями ями ами ах ях ов ев еи ии ои иа ое ее ие их им ом ем ую юю ам ям ию ть ет ит ут ют
    ат ят еш иш а я о е и у ю ост ости ение ения ении ание ания ании ациа ации ацию иров
    ироват ова ева ского скои ские ских скую ска ски
"""
_KAZAKH = """
    лар лер дар дер тар тер лари лери дари дери тари тери нин дин тин ни ди ти на не ге га
    ке ка да де та те нда нде дан ден тан тен нан нен мен бен пен имиз иниз миз низ ин им
    ми си сина сине синдаги даги таги лик дик тик лиги лигин ши шилар шилик
"""
_ENGLISH = "иес ес с инг ед ли атион атионс"
_SUFFIXES = frozenset(_words(_RUSSIAN + _KAZAKH + _ENGLISH))
_LONGEST = max(map(len, _SUFFIXES))
MIN_STEM = 4
_ROUNDS = 3  # Kazakh suffixes stack; three cuts reach the root of "мектептеримизде"


def fold(text: str) -> str:
    """Lowercase, with Kazakh and a few Russian letters folded."""
    return text.lower().translate(_FOLD)


@lru_cache(maxsize=65_536)  # a language has far fewer words than proposals have
def stem(word: str) -> str:
    """The word (already folded) without its common endings, never shorter than MIN_STEM."""
    for _ in range(_ROUNDS):
        for size in range(min(_LONGEST, len(word) - MIN_STEM), 0, -1):
            if word[-size:] in _SUFFIXES:
                word = word[:-size]
                break
        else:
            return word
    return word


def stems(text: str) -> list[str]:
    """The text's words as stems, in order, without stopwords and very short words."""
    found = []
    for word in _WORD.findall(fold(text)):
        if len(word) < 3 or word in STOPWORDS:
            continue
        found.append(stem(word))
    return found


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """A text reduced for comparison: its stems, each once."""

    terms: frozenset[str]


MAX_TERMS = 60  # the title's stems and the text's first ones: the subject, not every word
TERM_MATCH = 80  # rapidfuzz's ratio at which two stems count as one ("цифр" ~ "цифров")
MIN_MEETING = 2  # one word in common is chance ("текст", "ППО"): two at least on each side
LIKELY = 40.0  # a score from which two proposals are shown as similar (see the tests)


def fingerprint(title: str, text: str) -> Fingerprint:
    """The title's stems and the text's first ones, each once."""
    terms: dict[str, None] = {}
    for term in (*stems(title), *stems(text)):
        terms.setdefault(term)
        if len(terms) >= MAX_TERMS:
            break
    return Fingerprint(frozenset(terms))


def _matched(terms: frozenset[str], others: frozenset[str], shared: frozenset[str]) -> int:
    rest = sorted(others - shared)
    if not rest:
        return len(shared)
    # rapidfuzz is needed only once a proposal is compared: not loaded at start.
    from rapidfuzz import fuzz, process

    fuzzy = sum(
        1
        for term in terms - shared
        if process.extractOne(term, rest, scorer=fuzz.ratio, score_cutoff=TERM_MATCH)
    )
    return len(shared) + fuzzy


def score(left: Fingerprint, right: Fingerprint) -> float:
    """How alike two texts are, 0 to 100: the share of stems on both sides that meet a stem
    of the other, equal or close by rapidfuzz's ratio (a Dice coefficient, fuzzy); 0 when
    fewer than MIN_MEETING meet."""
    size = len(left.terms) + len(right.terms)
    if not size:
        return 0.0
    shared = left.terms & right.terms
    met_left = _matched(left.terms, right.terms, shared)
    met_right = _matched(right.terms, left.terms, shared)
    if min(met_left, met_right) < MIN_MEETING:
        return 0.0
    return 100.0 * (met_left + met_right) / size


class SimilarityIndex:
    """Fingerprints by id, and which ids hold each stem: a query scores only the texts that
    share a stem with it, the most shared first, never the whole collection."""

    def __init__(self, *, candidates: int = 40, common: float = 0.2) -> None:
        self._prints: dict[int, Fingerprint] = {}
        self._postings: dict[str, set[int]] = {}
        self._candidates = candidates  # scored at most, per query
        self._common = common  # a stem in more than this share of texts does not select

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, key: int) -> bool:
        return key in self._prints

    def put(self, key: int, print_: Fingerprint) -> None:
        """Add the text, or replace what it was."""
        self.remove(key)
        self._prints[key] = print_
        for term in print_.terms:
            self._postings.setdefault(term, set()).add(key)

    def remove(self, key: int) -> None:
        """Forget the text, if it is here."""
        old = self._prints.pop(key, None)
        if old is None:
            return
        for term in old.terms:
            holders = self._postings[term]
            holders.discard(key)
            if not holders:
                del self._postings[term]

    def search(
        self,
        query: Fingerprint,
        *,
        limit: int,
        threshold: float = LIKELY,
        accept: Callable[[int], bool] = lambda key: True,
    ) -> list[tuple[int, float]]:
        """Up to `limit` (id, score) at or above `threshold`, best first, among those `accept`s."""
        ceiling = max(50, int(len(self._prints) * self._common))  # a small index: all select
        shared: Counter[int] = Counter()
        for term in query.terms:
            holders = self._postings.get(term)
            if holders and len(holders) <= ceiling:
                shared.update(holders)
        found: list[tuple[int, float]] = []
        for key, _count in shared.most_common():
            if len(found) >= self._candidates:
                break
            if accept(key):
                found.append((key, score(query, self._prints[key])))
        found = [(key, value) for key, value in found if value >= threshold]
        found.sort(key=lambda item: (-item[1], item[0]))
        return found[:limit]
