"""The smart-city glossary: data with sources, found in compounds and across languages."""

import pytest

from workflows.glossary import load_glossary, parse_glossary, tokens
from workflows.invalid import WorkflowInvalid


def concepts(text: str) -> set[str]:
    return set(load_glossary().concepts_in(tokens(text)))


def test_every_concept_is_a_purpose_or_a_technology_with_its_source() -> None:
    glossary = load_glossary()

    assert len(glossary.concepts) >= 40
    assert {c.kind for c in glossary.concepts} == {"purpose", "technology"}
    assert all(c.source and c.terms for c in glossary.concepts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kentekencamerahandhaving scanauto parkeren", {"p:parking", "t:scan_car", "t:number_plate_recognition", "t:camera", "t:enforcement"}),
        ("Automated parking control", {"p:parking", "t:enforcement"}),
        ("Intelligente Verkeersregelinstallatie (iVRI)", {"t:traffic_light_controller"}),
        ("Smart traffic lights give cyclists priority", {"t:traffic_light_controller", "p:cycling", "p:priority_at_lights"}),
        ("Geluidsoverlast op het water", {"p:noise"}),
        ("Handhaving laad- en lostijden", {"p:access_zone", "t:enforcement"}),
        ("Frag-den-Michel! Online-Bürgerservice", {"p:citizen_questions", "t:web_platform"}),
    ],
)  # fmt: skip
def test_concepts_are_found_in_compounds_phrases_and_other_languages(
    text: str, expected: set[str]
) -> None:
    assert concepts(text) == expected


def test_short_terms_match_whole_words_only() -> None:
    assert "t:chatbot" in concepts("Virtuele assistent Gem")
    assert "t:chatbot" not in concepts("gemiddeld per gemeente")
    assert "p:citizen_questions" not in concepts("vraagstukken van leefbaarheid")


def test_a_broken_glossary_is_refused_naming_each_problem() -> None:
    raw = {"concepts": [{"id": "noise", "kind": "sound", "terms": []}, {"id": "noise"}]}

    with pytest.raises(WorkflowInvalid) as refused:
        parse_glossary(raw, source="broken.toml")

    assert refused.value.problems == [
        "concept 'noise': kind must be purpose or technology",
        "concept 'noise' has no terms",
        "concept 'noise' has no source",
        "duplicate concept 'noise'",
        "concept 'noise': kind must be purpose or technology",
        "concept 'noise' has no terms",
        "concept 'noise' has no source",
    ]
