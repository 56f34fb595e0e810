"""The DPIA pre-screen as a rule: from screened answers to required, recommended or not.

- Required by GDPR art. 35(3): any of its three cases.
- Required by the Dutch AP list: any listed type, except that covert investigation (1)
  and location data (12) count only together with an EDPB criterion (EDPB Opinion 16/2018).
- Required by the EDPB rule of thumb: two or more of its nine criteria.
- Required when the processing is created by new regulation.
- Recommended when exactly one EDPB criterion applies; otherwise not required.

Sensors, cameras, Wi-Fi/Bluetooth counting or connected devices in public space count
as systematic monitoring of public space (EDPB C3, C5, C8; AP 9, 12, 14) unless the
project shows that only non-personal data leaves the device.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

EDPB = tuple(f"EDPB-C{n}" for n in range(1, 10))
ART_35_3 = ("A35a", "A35b", "A35c")
AP_LIST = tuple(f"AP-{n:02d}" for n in range(1, 18))
AP_ONLY_WITH_A_CRITERION = ("AP-01", "AP-12")
OTHER = ("NEW-REG", "PUBLIC-SENSORS", "EDGE-ANON")
SCREENED = (*EDPB, *ART_35_3, *AP_LIST, *OTHER)
# What the smart-city default adds when devices in public space send personal data.
PUBLIC_SPACE_DEFAULT = ("EDPB-C3", "EDPB-C5", "EDPB-C8", "AP-09", "AP-12", "AP-14")
# Answers that mean an algorithm is involved, so the IAMA applies.
ALGORITHM_SIGNS = ("EDPB-C1", "EDPB-C2", "AP-15")


class Verdict(StrEnum):
    INCOMPLETE = "incomplete"
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    NOT_REQUIRED = "not_required"


@dataclass(frozen=True)
class Screening:
    verdict: Verdict
    reasons: tuple[str, ...]
    edpb_criteria: tuple[str, ...] = ()
    ap_types: tuple[str, ...] = ()
    algorithm: bool = False


def screen(answers: Mapping[str, bool | None]) -> Screening:
    """Apply the rule to yes/no answers keyed by item id; unanswered items are None."""
    missing = [item for item in SCREENED if answers.get(item) is None]
    if missing:
        return Screening(
            Verdict.INCOMPLETE, (f"{len(missing)} question(s) unanswered, first {missing[0]}",)
        )
    said_yes = {item for item in SCREENED if answers[item]}
    reasons: list[str] = []
    if "PUBLIC-SENSORS" in said_yes and "EDGE-ANON" not in said_yes:
        said_yes |= set(PUBLIC_SPACE_DEFAULT)
        reasons.append(
            "devices in public space send personal data, so they count as systematic "
            "monitoring of public space (EDPB C3, C5, C8; AP 9, 12, 14)"
        )
    edpb = tuple(c for c in EDPB if c in said_yes)
    ap = tuple(t for t in AP_LIST if t in said_yes)
    required: list[str] = []
    required += [f"GDPR art. 35(3) case {c[-1]}" for c in ART_35_3 if c in said_yes]
    for listed in ap:
        if listed in AP_ONLY_WITH_A_CRITERION and not edpb:
            reasons.append(f"{listed} alone does not require a DPIA without an EDPB criterion")
            continue
        required.append(f"AP list item {int(listed[3:])}")
    if len(edpb) >= 2:
        required.append(f"{len(edpb)} EDPB criteria ({', '.join(c[5:] for c in edpb)})")
    if "NEW-REG" in said_yes:
        required.append("processing created by new regulation")
    algorithm = any(sign in said_yes for sign in ALGORITHM_SIGNS)
    if required:
        verdict = Verdict.REQUIRED
        reasons += [f"required: {reason}" for reason in required]
    elif len(edpb) == 1:
        verdict = Verdict.RECOMMENDED
        reasons.append(f"recommended: one EDPB criterion ({edpb[0][5:]})")
    else:
        verdict = Verdict.NOT_REQUIRED
        reasons.append("not required: no listed type, no art. 35(3) case, no EDPB criterion")
    return Screening(verdict, tuple(reasons), edpb, ap, algorithm)
