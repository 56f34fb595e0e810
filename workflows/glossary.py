"""The smart-city glossary (workflows/glossary/*.toml): words of several languages grouped
into purpose and technology concepts, and the rule that finds them in a text.

Pure data and matching; the search that weighs the concepts lives in the app.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from workflows.invalid import WorkflowInvalid

GLOSSARY_DIR = Path(__file__).parent / "glossary"
KINDS = frozenset({"purpose", "technology"})
PREFIX_FROM = 5  # letters: a shorter term matches whole words only
INFIX_FROM = 6  # letters: a term this long also matches inside a compound
_TOKEN = re.compile(r"[a-z0-9]+")
_LETTERS = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe", "ß": "ss"})


def fold(text: str) -> str:
    """Lower case, accents and apostrophes removed: "Scanauto's" -> "scanautos"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub("['\u2019`]", "", plain)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


@dataclass(frozen=True)
class Concept:
    id: str
    kind: str
    terms: tuple[str, ...]
    source: str
    broader: str | None = None  # a concept of the same kind this one is part of

    @property
    def feature(self) -> str:
        return f"{self.kind[0]}:{self.id}"


@dataclass(frozen=True)
class Glossary:
    concepts: tuple[Concept, ...]
    # Feature -> the feature of its broader concept.
    broader: Mapping[str, str] = field(default_factory=dict, init=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        exact: dict[str, set[str]] = {}
        prefixes: list[tuple[str, str, bool]] = []  # term, feature, also inside compounds
        phrases: dict[tuple[str, ...], set[str]] = {}
        for concept in self.concepts:
            for term in concept.terms:
                whole = term.endswith("$")
                parts = tuple(tokens(term.rstrip("$")))
                if len(parts) > 1:
                    phrases.setdefault(parts, set()).add(concept.feature)
                elif parts:
                    exact.setdefault(parts[0], set()).add(concept.feature)
                    if not whole and len(parts[0]) >= PREFIX_FROM:
                        prefixes.append((parts[0], concept.feature, len(parts[0]) >= INFIX_FROM))
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_prefixes", tuple(prefixes))
        object.__setattr__(self, "_phrases", phrases)
        object.__setattr__(self, "_longest", max((len(p) for p in phrases), default=1))
        by_id = {c.id: c for c in self.concepts}
        object.__setattr__(
            self,
            "broader",
            {
                c.feature: by_id[c.broader].feature
                for c in self.concepts
                if c.broader and c.broader in by_id
            },
        )

    def word_concepts(self, word: str) -> frozenset[str]:
        """The concepts one folded word names, by itself or as part of a compound."""
        return _word_concepts(self, word)

    def concepts_in(self, words: Sequence[str]) -> list[str]:
        """Every concept named in a sequence of folded words, phrases included, in order."""
        found: list[str] = []
        phrases: Mapping[tuple[str, ...], set[str]] = self._phrases  # type: ignore[attr-defined]
        longest: int = self._longest  # type: ignore[attr-defined]
        for start, word in enumerate(words):
            found.extend(sorted(self.word_concepts(word)))
            for size in range(2, longest + 1):
                named = phrases.get(tuple(words[start : start + size]))
                if named:
                    found.extend(sorted(named))
        return found


@lru_cache(maxsize=65536)
def _word_concepts(glossary: Glossary, word: str) -> frozenset[str]:
    exact: Mapping[str, set[str]] = glossary._exact  # type: ignore[attr-defined]
    named = set(exact.get(word, ()))
    for term, feature, inside in glossary._prefixes:  # type: ignore[attr-defined]
        if word.startswith(term) or (inside and term in word):
            named.add(feature)
    return frozenset(named)


def parse_glossary(raw: Mapping[str, object], *, source: str = "<glossary>") -> Glossary:
    problems: list[str] = []
    concepts: list[Concept] = []
    seen: set[str] = set()
    entries = raw.get("concepts", [])
    for position, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            problems.append(f"concept #{position} has no id")
            continue
        concept_id = entry["id"]
        if concept_id in seen:
            problems.append(f"duplicate concept {concept_id!r}")
        seen.add(concept_id)
        kind, terms = entry.get("kind"), entry.get("terms")
        if kind not in KINDS:
            problems.append(f"concept {concept_id!r}: kind must be purpose or technology")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) for t in terms):
            problems.append(f"concept {concept_id!r} has no terms")
            terms = []
        if not isinstance(entry.get("source"), str) or not entry["source"]:
            problems.append(f"concept {concept_id!r} has no source")
        broader = entry.get("broader")
        if broader is not None and not isinstance(broader, str):
            problems.append(f"concept {concept_id!r}: broader names one concept")
            broader = None
        concepts.append(
            Concept(concept_id, str(kind), tuple(terms), str(entry.get("source")), broader)
        )
    if not concepts:
        problems.append("no concepts")
    kinds = {c.id: c.kind for c in concepts}
    for concept in concepts:
        if concept.broader and kinds.get(concept.broader) != concept.kind:
            problems.append(
                f"concept {concept.id!r}: broader {concept.broader!r} is no {concept.kind} concept"
            )
    if problems:
        raise WorkflowInvalid(source, problems)
    return Glossary(tuple(concepts))


@lru_cache(maxsize=4)
def load_glossary(directory: Path = GLOSSARY_DIR) -> Glossary:
    """Every glossary file of the directory as one glossary, validated."""
    concepts: list[Concept] = []
    for path in sorted(directory.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WorkflowInvalid(path.name, [f"not valid TOML: {exc}"]) from exc
        concepts.extend(parse_glossary(raw, source=path.name).concepts)
    return Glossary(tuple(concepts))
