"""The DPIA pre-screen rule on a table of cases covering every branch."""

import pytest

from workflows.prescreen import SCREENED, Verdict, screen


def answers(*yes: str) -> dict[str, bool | None]:
    return {item: item in yes for item in SCREENED}


CASES = [
    ("art. 35(3)(a) profiling with effects", ["A35a"], Verdict.REQUIRED),
    ("art. 35(3)(b) large-scale special data", ["A35b"], Verdict.REQUIRED),
    ("art. 35(3)(c) monitoring public space", ["A35c"], Verdict.REQUIRED),
    ("an AP type alone: camera surveillance", ["AP-09"], Verdict.REQUIRED),
    ("an AP type alone: Internet of Things", ["AP-14"], Verdict.REQUIRED),
    ("AP 1 covert investigation alone", ["AP-01"], Verdict.NOT_REQUIRED),
    ("AP 12 location data alone", ["AP-12"], Verdict.NOT_REQUIRED),
    ("AP 1 with one EDPB criterion", ["AP-01", "EDPB-C6"], Verdict.REQUIRED),
    ("AP 12 with one EDPB criterion", ["AP-12", "EDPB-C5"], Verdict.REQUIRED),
    ("one EDPB criterion", ["EDPB-C8"], Verdict.RECOMMENDED),
    ("two EDPB criteria", ["EDPB-C4", "EDPB-C7"], Verdict.REQUIRED),
    ("nothing", [], Verdict.NOT_REQUIRED),
    ("new regulation", ["NEW-REG"], Verdict.REQUIRED),
    ("sensors in public space by default", ["PUBLIC-SENSORS"], Verdict.REQUIRED),
    (
        "sensors sending only non-personal data",
        ["PUBLIC-SENSORS", "EDGE-ANON"],
        Verdict.NOT_REQUIRED,
    ),
]


@pytest.mark.parametrize(("case", "yes", "verdict"), CASES, ids=[c[0] for c in CASES])
def test_verdict(case: str, yes: list[str], verdict: Verdict) -> None:
    assert screen(answers(*yes)).verdict is verdict


def test_reasons_say_why() -> None:
    outcome = screen(answers("PUBLIC-SENSORS"))

    assert outcome.edpb_criteria == ("EDPB-C3", "EDPB-C5", "EDPB-C8")
    assert outcome.ap_types == ("AP-09", "AP-12", "AP-14")
    assert "required: AP list item 9" in outcome.reasons
    assert "required: 3 EDPB criteria (C3, C5, C8)" in outcome.reasons


def test_ap_1_alone_explains_the_edpb_nuance() -> None:
    assert screen(answers("AP-01")).reasons[0] == (
        "AP-01 alone does not require a DPIA without an EDPB criterion"
    )


def test_unanswered_questions_leave_it_incomplete() -> None:
    partial = answers("EDPB-C1")
    partial["AP-05"] = None

    outcome = screen(partial)

    assert outcome.verdict is Verdict.INCOMPLETE
    assert outcome.reasons == ("1 question(s) unanswered, first AP-05",)


def test_profiling_means_an_algorithm_is_involved() -> None:
    assert screen(answers("EDPB-C1")).algorithm is True
    assert screen(answers("EDPB-C3")).algorithm is False
