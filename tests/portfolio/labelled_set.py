"""The labelled set of real records (rules in tests/data/realworld-labels-README.md) and
the figures the similar-project search is judged by."""

import csv
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.portfolio.similarity import Document, rank

DATA = Path(__file__).resolve().parents[1] / "data"
REALWORLD = DATA / "realworld-projects.csv"
LABELS = DATA / "realworld-labels.csv"


@dataclass(frozen=True)
class Labelled:
    document: Document
    solution: str
    technology: str
    same_project: str


@dataclass(frozen=True)
class Figures:
    queries: int
    recall_at_3: float
    precision_at_3: float
    hard_negative_share: float  # of top-3 places, over queries that have hard negatives

    def line(self, part: str) -> str:
        return (
            f"{part}: recall@3 {self.recall_at_3:.3f}, precision@3 {self.precision_at_3:.3f}, "
            f"hard negatives in the top 3 {self.hard_negative_share:.1%} "
            f"over {self.queries} queries"
        )


def held_out(solution: str) -> bool:
    """Solutions, not records, are held out, so that none is seen on both sides."""
    return int(hashlib.sha256(solution.encode()).hexdigest(), 16) % 3 == 0


def labelled_records() -> list[Labelled]:
    """Every real record as the import stores it, with its labels."""
    with LABELS.open(encoding="utf-8", newline="") as source:
        labels = {row["source"]: row for row in csv.DictReader(source)}
    records = []
    with REALWORLD.open(encoding="utf-8", newline="") as source:
        for number, row in enumerate(csv.DictReader(source)):
            label = labels[row["source"]]
            document = Document(
                key=number,
                city=row["city"] or f"unknown-{number}",
                fields={
                    "title": row["title"],
                    "problem_statement": row["description"],
                    "intended_result": row["description"],
                },
            )
            records.append(
                Labelled(document, label["solution"], label["technology"], label["same_project"])
            )
    return records


Ranker = Callable[[Document, Sequence[Document]], list[int]]


def top_3(query: Document, corpus: Sequence[Document]) -> list[int]:
    return [match.key for match in rank(query, corpus, limit=3)]


def figures(records: list[Labelled], *, held: bool, ranker: Ranker = top_3) -> Figures:
    """The figures over the queries of one part, each ranked against every record."""
    corpus = [r.document for r in records]
    by_key = {r.document.key: r for r in records}
    recall = precision = 0.0
    queries = negative_queries = negative_places = 0
    for query in records:
        if held_out(query.solution) is not held:
            continue
        elsewhere = [r for r in records if r.document.city != query.document.city]
        relevant = [r for r in elsewhere if r.solution == query.solution]
        if not relevant:
            continue
        found = [by_key[key] for key in ranker(query.document, corpus)]
        hits = sum(r.solution == query.solution for r in found)
        recall += hits / min(3, len(relevant))
        precision += hits / 3
        queries += 1

        def hard_negative(record: Labelled, query: Labelled = query) -> bool:
            return record.technology == query.technology and record.solution != query.solution

        if any(hard_negative(r) for r in elsewhere):
            negative_queries += 1
            negative_places += sum(hard_negative(r) for r in found)
    return Figures(
        queries=queries,
        recall_at_3=recall / queries,
        precision_at_3=precision / queries,
        hard_negative_share=negative_places / (3 * negative_queries) if negative_queries else 0.0,
    )
