"""A workflow version as a diagram: Mermaid text from transitions' own diagram support,
and an SVG drawn here, so that the page needs no script and no CDN to show it."""

from dataclasses import dataclass

from transitions.extensions.diagrams import GraphMachine

from workflows.definition import StageKind, Workflow

BOX_WIDTH = 130
BOX_HEIGHT = 40
GAP = 40
TOP = 70


@dataclass(frozen=True)
class Edge:
    source: str
    dest: str
    label: str
    gated: bool


def edges(workflow: Workflow) -> list[Edge]:
    """Every move from one stage to another; a returning move to each stage it may return to."""
    found = []
    for transition in workflow.transitions:
        label = transition.trigger + (f" [{transition.gate}]" if transition.gate else "")
        for source in transition.sources:
            dests = (
                [transition.dest] if transition.dest is not None else workflow.entries_into(source)
            )
            found += [Edge(source, dest, label, transition.gated) for dest in dests]
    return found


class _Model:
    """What GraphMachine draws for; never stored."""


# A published workflow version never changes: its drawing is made once per process.
_MERMAID: dict[tuple[str, int], str] = {}


def mermaid(workflow: Workflow) -> str:
    key = (workflow.name, workflow.version)
    if key not in _MERMAID:
        _MERMAID[key] = _draw_mermaid(workflow)
    return _MERMAID[key]


def _draw_mermaid(workflow: Workflow) -> str:
    model = _Model()
    GraphMachine(
        model=model,
        states=[{"name": s.name} for s in workflow.stages],
        transitions=[
            {"trigger": e.label, "source": e.source, "dest": e.dest} for e in edges(workflow)
        ],
        initial=workflow.initial,
        auto_transitions=False,
        graph_engine="mermaid",
        title=f"{workflow.title} (v{workflow.version})",
    )
    graph = model.get_graph()  # type: ignore[attr-defined]
    return str(graph.draw(None))


@dataclass(frozen=True)
class Box:
    name: str
    label: str
    x: int
    y: int


@dataclass(frozen=True)
class Arrow:
    path: str
    label: str
    label_x: int
    label_y: int
    gated: bool


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    boxes: list[Box]
    arrows: list[Arrow]


def drawing(workflow: Workflow) -> Drawing:
    """The stages a project moves forward through in a row, gated moves arcing between
    them; parked and other final stages in a row below, reached by straight lines."""
    gated_dests = {e.dest for e in edges(workflow) if e.gated}
    main = [s for s in workflow.stages if s.kind is StageKind.ACTIVE or s.name in gated_dests]
    aside = [s for s in workflow.stages if s not in main]
    step = BOX_WIDTH + GAP
    boxes = [Box(s.name, s.label, GAP // 2 + i * step, TOP) for i, s in enumerate(main)]
    offset = GAP // 2 + (len(main) - len(aside)) * step // 2
    boxes += [
        Box(s.name, s.label, offset + i * step, TOP + 4 * BOX_HEIGHT) for i, s in enumerate(aside)
    ]
    at = {box.name: box for box in boxes}
    arrows = []
    for n, edge in enumerate(edges(workflow)):
        start, end = at[edge.source], at[edge.dest]
        if start.y == end.y:
            x1, x2 = start.x + BOX_WIDTH // 2, end.x + BOX_WIDTH // 2
            middle, control = (x1 + x2) // 2, TOP - 50
            arrows.append(
                Arrow(
                    f"M {x1 + 6} {TOP} Q {middle} {control} {x2 - 6} {TOP}",
                    edge.label,
                    middle,
                    TOP - 30,
                    edge.gated,
                )
            )
            continue
        down = end.y > start.y
        shift = (n % 5 - 2) * 8
        x1 = start.x + BOX_WIDTH // 2 + shift
        x2 = end.x + BOX_WIDTH // 2 - shift
        y1 = start.y + BOX_HEIGHT if down else start.y
        y2 = end.y if down else end.y + BOX_HEIGHT
        arrows.append(Arrow(f"M {x1} {y1} L {x2} {y2}", edge.label, 0, 0, edge.gated))
    width = GAP + max(len(main), len(aside)) * step
    return Drawing(width=width, height=TOP + 6 * BOX_HEIGHT, boxes=boxes, arrows=arrows)
