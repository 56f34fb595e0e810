"""`/events/types`: the event catalogue subscribers build on."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.outbox.catalogue import event_types

router = APIRouter(prefix="/events", tags=["events"])


class PayloadFieldRead(BaseModel):
    name: str
    type: str = Field(description="integer, number, string, date, datetime, boolean or array.")
    nullable: bool
    description: str


class EventTypeRead(BaseModel):
    type: str = Field(description="The stable dotted type name, e.g. `gate.decision.taken`.")
    when: str = Field(description="What makes citygate write the event.")
    payload: list[PayloadFieldRead] = Field(description="Every field; no personal data.")


@router.get("/types")
def list_event_types() -> list[EventTypeRead]:
    """Every event citygate writes, when, and its payload fields."""
    return [
        EventTypeRead(
            type=described.type,
            when=described.when,
            payload=[
                PayloadFieldRead(
                    name=f.name, type=f.type, nullable=f.nullable, description=f.description
                )
                for f in described.payload
            ],
        )
        for described in event_types().values()
    ]
