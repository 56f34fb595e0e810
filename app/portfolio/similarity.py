"""Similar projects across cities, languages and wordings.

Each text becomes features of three kinds:

- purposes (`p:`) and technologies (`t:`) from the smart-city glossary
  (workflows/glossary/), which holds the Dutch, English and German words for each and
  finds them inside Dutch compounds ("kentekencamerahandhaving");
- words (`w:`), stop words dropped and each stemmed by the Snowball stemmers for
  English and then Dutch, the same for every text whatever its language, so that
  inflections meet ("verkeerslichten", "verkeerslicht") without guessing the language.

Fields are weighted (the solution type and title say most), features are weighed by how
rare they are (TF-IDF), and the three kinds are compared apart: the score is mostly the
purposes' cosine, then the words' and the technologies'. Two projects that both name a
purpose and share none are one technology used for different ends, and score low
however alike their technology and wording.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer

from workflows.glossary import fold, load_glossary, tokens

FIELD_WEIGHTS: Mapping[str, float] = {
    "solution_type": 3.0,
    "title": 2.0,
    "problem_statement": 1.0,
    "intended_result": 1.0,
}
# How much each kind of feature counts in the score; tuned on the tuning part of the
# labelled set (tests/data/realworld-labels-README.md).
KIND_WEIGHTS: Mapping[str, float] = {"p": 0.4, "w": 0.4, "t": 0.2}
# The share of the score left when both name purposes and share none.
OTHER_PURPOSE = 0.3
# Below this a shared stop-word-like stem is all they have in common: not similar.
MIN_SCORE = 0.05
STOP_WORDS = frozenset({
    "de", "het", "een", "en", "van", "in", "op", "te", "voor", "met", "is", "dat", "die",
    "door", "aan", "als", "bij", "om", "ook", "of", "zijn", "wordt", "worden", "er", "uit",
    "naar", "over", "tot", "nog", "niet", "meer", "kan", "zo", "deze", "dit", "wij", "we",
    "onze", "ons", "hun", "hoe", "wat", "waar", "wanneer", "welke", "heeft", "hebben",
    "zal", "zou", "moet", "mogen", "kunnen", "gemeente", "gemeenten", "algoritme",
    "doel", "ze", "zij", "hij", "men", "dan", "maar", "want", "zodat", "omdat",
    "daarbij", "daarnaast", "hierbij", "bijvoorbeeld", "onder", "andere", "tussen",
    "the", "a", "an", "and", "on", "to", "for", "with", "that", "by", "as", "at", "or",
    "be", "are", "this", "from", "it", "its", "our", "their", "how", "what", "which",
    "can", "will", "has", "have", "more", "not", "into", "also", "was", "were",
    "been", "city", "municipality", "system", "project", "used", "uses",
    "use", "using", "der", "das", "und", "mit", "fur", "von", "den",
})  # fmt: skip
_ENGLISH = snowballstemmer.stemmer("english")
_DUTCH = snowballstemmer.stemmer("dutch")


@dataclass(frozen=True)
class Document:
    key: int
    city: str
    fields: Mapping[str, str]


@dataclass(frozen=True)
class Match:
    key: int
    score: float
    matched: dict[str, list[str]] = field(default_factory=dict)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_DUTCH.stemWord(_ENGLISH.stemWord(word)))


def _word_features(word: str) -> list[str]:
    if len(word) < 3 or word in STOP_WORDS or word.isdigit():
        return []
    return [f"w:{stem(word)}"]


@lru_cache(maxsize=4096)
def terms(text: str) -> tuple[str, ...]:
    """The features of a text, in order; cached, bounded, as a search folds the same
    candidate texts several times over."""
    words = tokens(text)
    found = load_glossary().concepts_in(words)
    for word in words:
        found.extend(_word_features(word))
    return tuple(found)


def word_terms(text: str) -> list[frozenset[str]]:
    """Per word of a search text, the features any of which a project must have."""
    glossary = load_glossary()
    wanted = []
    for word in tokens(text):
        features = frozenset(_word_features(word)) | glossary.word_concepts(word)
        if features:
            wanted.append(features)
    return wanted


def weighted_terms(document: Document) -> dict[str, float]:
    """Each feature of the document with its count, weighted by the field it stands in."""
    counts: dict[str, float] = {}
    for name, weight in FIELD_WEIGHTS.items():
        for term in terms(document.fields.get(name) or ""):
            counts[term] = counts.get(term, 0.0) + weight
    return counts


Vectors = dict[str, dict[str, float]]


def vectors_of(bag: Mapping[str, float], idf: Mapping[str, float]) -> Vectors:
    """Per kind of feature, the unit TF-IDF vector."""
    by_kind: Vectors = {}
    for term, count in bag.items():
        by_kind.setdefault(term[0], {})[term] = (1 + math.log(count)) * idf[term]
    for vector in by_kind.values():
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        for term in vector:
            vector[term] /= norm
    return by_kind


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(b) < len(a):
        a, b = b, a
    return sum(weight * b.get(term, 0.0) for term, weight in a.items())


def score(query: Vectors, other: Vectors) -> float:
    """0 to 1: the kinds' cosines weighted, over the kinds both documents have."""
    kinds = [k for k in KIND_WEIGHTS if k in query and k in other]
    if not kinds:
        return 0.0
    total = sum(KIND_WEIGHTS[k] * _cosine(query[k], other[k]) for k in kinds)
    # A kind only one of them has counts as a mismatch, not as missing.
    weight = sum(KIND_WEIGHTS[k] for k in KIND_WEIGHTS if k in query or k in other)
    result = total / weight if weight else 0.0
    if "p" in kinds and _cosine(query["p"], other["p"]) == 0:
        result *= OTHER_PURPOSE
    return result


def rank(
    query: Document,
    corpus: Iterable[Document],
    *,
    limit: int,
    frequencies: tuple[Mapping[str, int], int] | None = None,
    other_cities_only: bool = True,
) -> list[Match]:
    """The `limit` documents of other cities (or of any city) most like the query, best
    first.

    Document frequencies come from `corpus` unless `frequencies` (per term, and the number
    of documents) gives those of a larger collection the corpus was preselected from.
    """
    others = [
        d for d in corpus if d.key != query.key and not (other_cities_only and d.city == query.city)
    ]
    bags = [weighted_terms(d) for d in others]
    query_bag = weighted_terms(query)
    if not others or not query_bag:
        return []
    if frequencies is None:
        counted: Counter[str] = Counter()
        for bag in (*bags, query_bag):
            counted.update(bag.keys())
        document_frequency: Mapping[str, int] = counted
        total = len(bags) + 1
    else:
        document_frequency, total = frequencies
    idf = {
        t: math.log((1 + total) / (1 + document_frequency.get(t, 0))) + 1
        for bag in (*bags, query_bag)
        for t in bag
    }
    query_vectors = vectors_of(query_bag, idf)
    scored = []
    for document, bag in zip(others, bags, strict=True):
        value = score(query_vectors, vectors_of(bag, idf))
        if value >= MIN_SCORE:
            scored.append((value, document))
    scored.sort(key=lambda item: (-item[0], item[1].key))
    return [
        Match(key=d.key, score=round(s, 3), matched=_matched(query, d)) for s, d in scored[:limit]
    ]


def _matched(query: Document, other: Document) -> dict[str, list[str]]:
    """Per field of the other project, the words it shares with the query, in its words."""
    wanted = set(weighted_terms(query))
    shown: dict[str, list[str]] = {}
    for name in FIELD_WEIGHTS:
        text = other.fields.get(name) or ""
        words = [w for w in re.findall(r"\w+", text) if set(terms(w)) & wanted]
        if words:
            shown[name] = sorted(set(words), key=str.lower)[:8]
    return shown


__all__ = [
    "Document", "Match", "Vectors", "fold", "rank", "terms", "vectors_of", "weighted_terms",
    "word_terms",
]  # fmt: skip
