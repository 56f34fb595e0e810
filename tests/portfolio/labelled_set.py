"""A labelled set for similar-project detection, from real records and the demo portfolio.

Labels come from the titles: projects whose titles name the same recurring solution
(intelligent traffic lights, scan cars, municipal chatbots, public-space reports, noise or
crowd sensors, lighting, waste, the Smart City Living Lab, heat-stress models, licence
plate enforcement) are "the same solution"; everything else is unrelated to them.
"""

import csv
import re
from pathlib import Path

from app.demo.portfolio import PORTFOLIO
from app.portfolio.similarity import Document

REALWORLD = Path(__file__).resolve().parents[1] / "data" / "realworld-projects.csv"
LABELS = (
    ("scan_car", r"scanauto|scan car|parkeercontrole|parkeerhandhaving|parking control"),
    ("traffic_lights", r"verkeersregel|ivri|i-vri|verkeerslicht|traffic (control|lights)"),
    ("virtual_assistant", r"chatbot|assistent|virtual (clerk|assistant)|voicebot|bot\b"),
    ("public_space_reports", r"meldingen|notification|reporting issues|signalen"),
    ("noise", r"geluid|noise|lawaai"),
    ("crowd", r"drukte|crowd|cityflows|telsensoren|attendance"),
    ("lighting", r"lighting|verlichting"),
    ("waste", r"container|afvalinzameling|inzamelen|prullenbak|afval|garbage|waste"),
    ("living_lab", r"living lab|green village|gezonde stad"),
    ("heat", r"hittestress"),
    ("licence_plate", r"kenteken"),
)


def label_of(title: str) -> str | None:
    lowered = title.lower()
    return next((label for label, pattern in LABELS if re.search(pattern, lowered)), None)


def labelled_documents() -> list[tuple[Document, str | None]]:
    documents: list[tuple[Document, str | None]] = []
    with REALWORLD.open(encoding="utf-8", newline="") as source:
        for number, row in enumerate(csv.DictReader(source)):
            document = Document(
                key=number,
                city=row["city"] or f"unknown-{number}",
                fields={"title": row["title"], "problem_statement": row["description"]},
            )
            documents.append((document, label_of(row["title"])))
    for number, entry in enumerate(PORTFOLIO, start=10_000):
        document = Document(
            key=number,
            city=entry["city"],
            fields={
                "title": entry["title"],
                "problem_statement": entry["problem_statement"],
                "intended_result": entry["intended_result"],
                "solution_type": entry["solution_type"],
            },
        )
        documents.append((document, label_of(entry["title"] + " " + entry["solution_type"])))
    return documents
