"""Similar proposals: one query against 10,000 proposals, beside a plain rapidfuzz baseline.

    python bench/similar.py [--proposals 10000] [--queries 200] [--seed 7]

Synthetic proposals in kk and ru are drawn from the same vocabulary (subjects, places, verbs,
filler), so that many share words, as real ones do. Each query is a new proposal's title and
text. Ours: `SimilarityIndex.search` (normalised stems, the prefilter, rapidfuzz on the few
candidates). The baseline, in the same run on the same texts: rapidfuzz's
`process.extract(query, texts, scorer=fuzz.token_set_ratio, limit=3)` over the raw texts,
which compares the query with every proposal. Printed: the index's build time, the median and
95th percentile of one query for each, and their ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from rapidfuzz import fuzz, process

from bot.domain.similarity import SimilarityIndex, fingerprint

SUBJECTS = [
    ("интернет в сельских школах", "ауыл мектептеріне интернет"),
    ("цифровая грамотность пенсионеров", "зейнеткерлерге цифрлық сауаттылық"),
    ("спортивные площадки во дворах", "аулаларда спорт алаңдары"),
    ("освещение улиц на окраинах", "қала шетіндегі көше жарығы"),
    ("льготная ипотека молодым семьям", "жас отбасыларға ипотека"),
    ("собрания ППО онлайн", "БПҰ жиналыстары онлайн"),
    ("трёхъязычие в детских садах", "балабақшада үштілділік"),
    ("налоги малому бизнесу", "шағын бизнеске салық жеңілдігі"),
    ("ремонт дорог между сёлами", "ауылдар арасындағы жол жөндеу"),
    ("тренинг по ораторскому мастерству", "шешендік өнер бойынша тренинг"),
    ("приложение Цифровая партия", "Цифрлық партия қосымшасы"),
    ("автобусы до районного центра", "аудан орталығына автобус"),
    ("кружки для школьников", "оқушыларға арналған үйірмелер"),
    ("парковки во дворах", "аулалардағы көлік тұрағы"),
    ("чистая питьевая вода", "таза ауыз су"),
    ("детские сады в микрорайонах", "шағын аудандардағы балабақшалар"),
]
PLACES = [
    "в Туркестане",
    "в Шымкенте",
    "в районе",
    "в каждом селе",
    "в области",
    "Түркістанда",
    "Шымкентте",
    "ауданда",
    "әр ауылда",
    "облыста",
]
VERBS = [
    "Предлагаю",
    "Нужно",
    "Прошу рассмотреть",
    "Ұсынамын",
    "Қажет",
    "Қарастыруды сұраймын",
]
_FILLER = (
    "это важно для жителей и членов партии потому что сейчас ситуация сложная и люди ждут "
    "решения от первичных организаций бұл тұрғындар мен партия мүшелері үшін маңызды "
    "себебі қазір жағдай қиын және адамдар бастауыш ұйымдардан шешім күтеді"
)
FILLER = _FILLER.split()


def proposal(rng: random.Random) -> tuple[str, str]:
    """A title and a text of 30–80 words on one of the subjects."""
    ru, kk = rng.choice(SUBJECTS)
    subject = rng.choice([ru, kk])
    title = subject.capitalize()
    words = [rng.choice(VERBS), subject, rng.choice(PLACES)]
    words += rng.sample(FILLER, k=min(len(FILLER), rng.randint(20, 40)))
    words += [rng.choice(SUBJECTS)[rng.randint(0, 1)] for _ in range(rng.randint(0, 2))]
    return title, " ".join(words) + "."


def timed(run, queries):  # type: ignore[no-untyped-def]
    times = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = [proposal(rng) for _ in range(args.proposals)]
    queries = [proposal(rng) for _ in range(args.queries)]

    started = time.perf_counter()
    index = SimilarityIndex()
    for key, (title, text) in enumerate(texts):
        index.put(key, fingerprint(title, text))
    built = time.perf_counter() - started

    ours = timed(lambda query: index.search(fingerprint(*query), limit=3), queries)
    raw = [f"{title} {text}" for title, text in texts]
    baseline = timed(
        lambda query: process.extract(
            f"{query[0]} {query[1]}", raw, scorer=fuzz.token_set_ratio, limit=3
        ),
        queries,
    )
    print(f"{args.proposals} proposals, {args.queries} queries; index built in {built:.1f} s")
    print(f"ours (index):         median {ours[0]:6.1f} ms, p95 {ours[1]:6.1f} ms")
    print(f"baseline (extract):   median {baseline[0]:6.1f} ms, p95 {baseline[1]:6.1f} ms")
    print(f"ratio ours / baseline (median): {ours[0] / baseline[0]:.2f}")


if __name__ == "__main__":
    main()
