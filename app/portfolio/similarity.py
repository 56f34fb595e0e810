"""Similar projects across cities: TF-IDF over title, problem, intended result and solution type.

Texts are Dutch and English, short and long. Words are folded (accents, case), stop
words dropped, a small glossary maps the recurring smart-city terms of both languages to
one concept, and what remains is cut to its first six letters so that Dutch compounds
and inflections meet ("verkeerslichten", "verkeerslicht"). Fields are weighted: the
solution type and the title say most about what a project is.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

FIELD_WEIGHTS: Mapping[str, float] = {
    "solution_type": 3.0,
    "title": 2.0,
    "problem_statement": 1.0,
    "intended_result": 1.0,
}
STOP_WORDS = frozenset({
    "de", "het", "een", "en", "van", "in", "op", "te", "voor", "met", "is", "dat", "die",
    "door", "aan", "als", "bij", "om", "ook", "of", "zijn", "wordt", "worden", "er", "uit",
    "naar", "over", "tot", "nog", "niet", "meer", "kan", "zo", "deze", "dit", "wij", "we",
    "onze", "ons", "hun", "hoe", "wat", "the", "a", "an", "and", "on", "to", "for", "with",
    "that", "by", "as", "at", "or", "be", "are", "this", "from", "it", "its", "our", "their",
    "how", "what", "which", "can", "will", "has", "have", "more", "not", "into", "also",
})  # fmt: skip
# Recurring terms, both languages, to one concept each.
GLOSSARY: Mapping[str, str] = {
    "verkeerslicht": "trafficlight", "verkeerslichten": "trafficlight", "ivri": "trafficlight",
    "vri": "trafficlight", "verkeersregelinstallatie": "trafficlight", "traffic": "trafficlight",
    "lights": "trafficlight", "scanauto": "scancar", "scanauto's": "scancar", "scancar": "scancar",
    "parkeercontrole": "scancar", "parkeerhandhaving": "scancar", "chatbot": "chatbot",
    "voicebot": "chatbot", "assistent": "chatbot", "assistant": "chatbot", "clerk": "chatbot",
    "bot": "chatbot", "meldingen": "report", "melding": "report", "notifications": "report",
    "notification": "report", "reporting": "report", "reports": "report", "geluid": "noise",
    "geluidsoverlast": "noise", "lawaai": "noise", "noise": "noise", "drukte": "crowd",
    "druktemeting": "crowd", "crowd": "crowd", "verlichting": "lighting", "lighting": "lighting",
    "afval": "waste", "waste": "waste", "garbage": "waste", "parkeren": "parking",
    "parking": "parking", "kenteken": "licenceplate", "kentekenherkenning": "licenceplate",
}  # fmt: skip
_WORD = re.compile(r"[a-z0-9']+")


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


@lru_cache(maxsize=2048)
def terms(text: str) -> tuple[str, ...]:
    # Cached, bounded: a search folds the same candidate texts several times over.
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    found = []
    for word in _WORD.findall(folded):
        word = word.strip("'")
        if len(word) < 3 or word in STOP_WORDS or word.isdigit():
            continue
        found.append(GLOSSARY.get(word, word[:6]))
    return tuple(found)


def weighted_terms(document: Document) -> dict[str, float]:
    """Each term of the document with its count, weighted by the field it stands in."""
    counts: dict[str, float] = {}
    for name, weight in FIELD_WEIGHTS.items():
        for term in terms(document.fields.get(name) or ""):
            counts[term] = counts.get(term, 0.0) + weight
    return counts


def rank(
    query: Document,
    corpus: Iterable[Document],
    *,
    limit: int,
    frequencies: tuple[Mapping[str, int], int] | None = None,
) -> list[Match]:
    """The `limit` documents of other cities most like the query, best first.

    Document frequencies come from `corpus` unless `frequencies` (per term, and the number
    of documents) gives those of a larger collection the corpus was preselected from.
    """
    others = [d for d in corpus if d.city != query.city and d.key != query.key]
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

    def vector(bag: Mapping[str, float]) -> dict[str, float]:
        weighted = {t: (1 + math.log(n)) * idf[t] for t, n in bag.items()}
        norm = math.sqrt(sum(v * v for v in weighted.values())) or 1.0
        return {t: v / norm for t, v in weighted.items()}

    query_vector = vector(query_bag)
    scored = []
    for document, bag in zip(others, bags, strict=True):
        candidate = vector(bag)
        score = sum(w * candidate.get(t, 0.0) for t, w in query_vector.items())
        if score > 0:
            scored.append((score, document))
    scored.sort(key=lambda item: (-item[0], item[1].key))
    return [
        Match(key=d.key, score=round(s, 3), matched=_matched(query, d)) for s, d in scored[:limit]
    ]


def _matched(query: Document, other: Document) -> dict[str, list[str]]:
    """Per field of the other project, the words it shares with the query."""
    wanted = set(weighted_terms(query))
    shown: dict[str, list[str]] = {}
    for name in FIELD_WEIGHTS:
        text = other.fields.get(name) or ""
        words = [w for w in re.findall(r"\w+", text) if terms(w) and terms(w)[0] in wanted]
        if words:
            shown[name] = sorted(set(words), key=str.lower)[:8]
    return shown
