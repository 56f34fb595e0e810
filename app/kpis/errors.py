"""Refusals about KPIs."""

from app.errors import Conflict, NotFound


class KpiNotFound(NotFound):
    type_slug = "kpi-not-found"
    title = "KPI not found"

    def __init__(self, project_id: int, kpi_id: int) -> None:
        super().__init__(f"Project {project_id} has no KPI with id {kpi_id}.")


class KpiNameTaken(Conflict):
    type_slug = "kpi-name-taken"
    title = "KPI name already used"

    def __init__(self, name: str) -> None:
        super().__init__(f"The project already has a KPI named {name!r}.")
