"""The refusal of a data file (workflow or catalogue) that cannot be used."""


class WorkflowInvalid(Exception):
    """A workflow or catalogue file that cannot run; `problems` names every reason."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))
