"""Turn checklist items into gate criteria, and check every reference between the two.

Items say at which gates they are must-meet or should-meet; each becomes a criterion of
kind `checklist_item` there, and every gate with items also gets `no_item_to_correct`.
A gate may name an item itself too; then the item must exist.
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace

from workflows.catalogue import Catalogue
from workflows.evidence import Criterion
from workflows.gates import Gate

NO_ITEM_TO_CORRECT = Criterion(
    id="no_item_to_correct",
    kind="no_item_to_correct",
    label="No checklist item is marked to correct",
)


def attach_checklists(
    gates: dict[str, Gate],
    names: Sequence[str],
    catalogues: Mapping[str, Catalogue],
    problems: list[str],
) -> dict[str, Gate]:
    used = {name: catalogues[name] for name in names if name in catalogues}
    for name in names:
        if name not in catalogues:
            problems.append(f"unknown checklist {name!r}")
    _check_gate_references(gates, catalogues, problems)
    must: dict[str, list[Criterion]] = {gate_id: [] for gate_id in gates}
    should: dict[str, list[Criterion]] = {gate_id: [] for gate_id in gates}
    for catalogue in used.values():
        for item in catalogue.items:
            for gate_id, level in item.gates.items():
                if gate_id not in gates:
                    problems.append(
                        f"checklist {catalogue.name!r} item {item.id!r} names unknown gate "
                        f"{gate_id!r}"
                    )
                    continue
                criterion = Criterion(
                    id=f"{catalogue.name}:{item.id}",
                    kind="checklist_item",
                    label=f"{catalogue.title}: {item.question}",
                    params={
                        "checklist": catalogue.name,
                        "item": item.id,
                        "applies_when": catalogue.applies_when,
                        "pass_when": list(item.pass_when),
                        "guidance": item.guidance,
                    },
                    weight=0 if level == "must" else 1,
                )
                (must if level == "must" else should)[gate_id].append(criterion)
    attached = {}
    for gate_id, gate in gates.items():
        extra_must = must[gate_id]
        if extra_must or should[gate_id]:
            extra_must = [*extra_must, NO_ITEM_TO_CORRECT]
        attached[gate_id] = replace(
            gate,
            must_meet=gate.must_meet + tuple(extra_must),
            should_meet=gate.should_meet + tuple(should[gate_id]),
        )
    return attached


def _check_gate_references(
    gates: Mapping[str, Gate], catalogues: Mapping[str, Catalogue], problems: list[str]
) -> None:
    """An item a gate names itself must exist."""
    for gate in gates.values():
        for criterion in gate.must_meet + gate.should_meet:
            if criterion.kind != "checklist_item":
                continue
            catalogue = catalogues.get(criterion.params.get("checklist", ""))
            item_id = criterion.params.get("item", "")
            if catalogue is None or catalogue.item(item_id) is None:
                problems.append(
                    f"gate {gate.id!r}: criterion {criterion.id!r} names item "
                    f"{criterion.params.get('checklist')}:{item_id}, which does not exist"
                )
