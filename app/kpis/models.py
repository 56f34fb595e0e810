"""KPI tables."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from app.columns import created_now


class Kpi(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "name", name="uq_kpi_project_id_name"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=120)
    unit: str = Field(max_length=40)
    baseline: float | None = None
    target: float | None = None
    direction: str = Field(max_length=10)  # "increase" or "decrease": which way is better
    # Bumped on every write; exposed as the ETag that `If-Match` is checked against.
    version: int = Field(default=1)
    created_at: datetime = created_now()
    # The latest day measured; the reminder sweep finds KPIs due for a measurement by it.
    last_measured_on: date | None = Field(default=None, index=True)


class KpiMeasurement(SQLModel, table=True):
    __tablename__ = "kpi_measurement"

    id: int | None = Field(default=None, primary_key=True)
    kpi_id: int = Field(foreign_key="kpi.id", index=True, ondelete="CASCADE")
    value: float
    measured_on: date
    source: str = Field(max_length=200)
    # The project's stage when the measurement was recorded: gates ask for measurements
    # taken at each decision moment.
    stage: str = Field(max_length=40)
    recorded_at: datetime = created_now()
