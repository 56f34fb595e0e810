"""Likely duplicates: the same project registered twice, not the same pilot elsewhere.

Two records are likely one project when they belong to the same city (or one names the
other's city as a partner) and describe the same purposes with the same technologies.
Records of one project written in two languages share concepts but few words; two in
one language that describe one project share their words as well, so a same-language
pair needs both. Purposes and technologies count with their broader concepts here
("garbage detection" and "afval" are both waste), as sources describe one project at
different grains. The evidence says which held.
"""

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.portfolio.similarity import Document, Vectors, terms, vectors_of, weighted_terms
from workflows.glossary import load_glossary, tokens

# Set on the four groups of one project in the real records (six pairs), against the
# same-city pairs that are not one project (tests/data/realworld-labels-README.md); with
# so few groups there is no held-out part, so these are a first setting, not a measure.
MIN_PURPOSES = 0.6
MIN_TECHNOLOGIES = 0.6
MIN_WORDS_SAME_LANGUAGE = 0.5
# The commonest words of each language tell which one a text is written in.
DUTCH = frozenset({
    "de", "het", "een", "en", "van", "voor", "met", "zijn", "wordt", "worden", "niet", "ook",
    "door", "bij", "dat", "die", "naar", "deze", "om", "te", "op", "aan",
})  # fmt: skip
ENGLISH = frozenset({
    "the", "and", "of", "for", "with", "is", "are", "to", "by", "this", "that", "which",
    "from", "be", "on", "an", "as", "it", "their", "can",
})  # fmt: skip


@dataclass(frozen=True)
class Evidence:
    purposes: float
    technologies: float
    words: float
    same_city: bool
    languages: tuple[str, str]
    shared: list[str]


@dataclass(frozen=True)
class Candidate:
    document: Document
    tied: bool  # same city, or a partner city of the other


def language(document: Document) -> str:
    words = [w for text in document.fields.values() for w in tokens(text or "")]
    dutch = sum(w in DUTCH for w in words)
    english = sum(w in ENGLISH for w in words)
    return "nl" if dutch >= english else "en"


def _broadened(bag: Mapping[str, float]) -> dict[str, float]:
    broader = load_glossary().broader
    widened = dict(bag)
    for term, count in bag.items():
        if term in broader:
            widened[broader[term]] = widened.get(broader[term], 0.0) + count
    return widened


def duplicates(
    query: Document,
    candidates: Sequence[Candidate],
    frequencies: tuple[Mapping[str, int], int] | None = None,
) -> list[tuple[Document, Evidence]]:
    """The candidates that are likely the query's project registered again, likeliest first."""
    tied = [c.document for c in candidates if c.tied and c.document.key != query.key]
    if not tied:
        return []
    bags = {d.key: _broadened(weighted_terms(d)) for d in (query, *tied)}
    if frequencies is None:
        counted: Counter[str] = Counter(t for bag in bags.values() for t in bag)
        frequency: Mapping[str, int] = counted
        total = len(bags)
    else:
        frequency, total = frequencies
    idf = {
        t: math.log((1 + total) / (1 + frequency.get(t, 0))) + 1
        for bag in bags.values()
        for t in bag
    }
    mine = vectors_of(bags[query.key], idf)
    query_language = language(query)
    found = []
    for other in tied:
        evidence = _evidence(query, other, mine, vectors_of(bags[other.key], idf), query_language)
        if evidence is not None:
            found.append((other, evidence))
    found.sort(key=lambda pair: (-(pair[1].purposes + pair[1].technologies), pair[0].key))
    return found


def _evidence(
    query: Document, other: Document, mine: Vectors, theirs: Vectors, query_language: str
) -> Evidence | None:
    def cosine(kind: str) -> float:
        a, b = mine.get(kind, {}), theirs.get(kind, {})
        return sum(w * b.get(t, 0.0) for t, w in a.items())

    purposes, technologies, words = cosine("p"), cosine("t"), cosine("w")
    languages = (query_language, language(other))
    if purposes < MIN_PURPOSES or technologies < MIN_TECHNOLOGIES:
        return None
    if languages[0] == languages[1] and words < MIN_WORDS_SAME_LANGUAGE:
        return None
    wanted = set(weighted_terms(query))
    shared = sorted(
        {
            w
            for text in other.fields.values()
            for w in re.findall(r"\w+", text or "")
            if set(terms(w)) & wanted
        },
        key=str.lower,
    )[:10]
    return Evidence(
        purposes=round(purposes, 3),
        technologies=round(technologies, 3),
        words=round(words, 3),
        same_city=query.city == other.city,
        languages=languages,
        shared=shared,
    )
