"""Who a rule reminds, relative to a project: read once per sweep, matched in memory.

People are few next to projects (hundreds against a hundred thousand), so the sweep
loads every reachable person's roles once and resolves each due subject's audience
from that, instead of joining people into every subject query.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.gates.models import GateVote
from app.people.models import Person, PersonRole, Role
from app.projects.models import ProjectPartnerCity
from workflows.reminders import Audience

# The role that makes a person part of each city-bound audience.
_CITY_ROLES = {
    Audience.PROJECT_LEAD: Role.PROJECT_LEAD,
    Audience.PRIVACY_OFFICER: Role.PRIVACY_OFFICER,
    Audience.CITY_COORDINATOR: Role.FOLLOWER_COORDINATOR,
}


@dataclass
class People:
    """Everyone a reminder can reach: not erased, with an e-mail address."""

    by_city: dict[tuple[int, Role], list[int]] = field(default_factory=dict)
    board: list[tuple[int, int | None]] = field(default_factory=list)  # (person, city)
    chair: list[int] = field(default_factory=list)

    def of(
        self,
        audience: Audience,
        *,
        city_id: int,
        tied_cities: frozenset[int] = frozenset(),
        voted: frozenset[int] = frozenset(),
    ) -> list[int]:
        """The people of `audience` for a project of `city_id`."""
        if audience is Audience.BOARD_CHAIR:
            return self.chair
        if audience is Audience.ELIGIBLE_VOTERS:
            return [
                person
                for person, city in self.board
                if city not in tied_cities and person not in voted
            ]
        return self.by_city.get((city_id, _CITY_ROLES[audience]), [])


def reachable_people(session: Session) -> People:
    rows = session.exec(
        select(Person.id, Person.city_id, Person.board_chair, PersonRole.role)
        .join(PersonRole, col(PersonRole.person_id) == col(Person.id))
        .where(col(Person.erased_at).is_(None))
        .where(col(Person.email).is_not(None))
        .order_by(col(Person.id))
    ).all()
    by_city: dict[tuple[int, Role], list[int]] = defaultdict(list)
    people = People()
    for person_id, city_id, chair, role_value in rows:
        assert person_id is not None
        role = Role(role_value)
        if role is Role.BOARD_MEMBER:
            people.board.append((person_id, city_id))
            if chair:
                people.chair.append(person_id)
        elif city_id is not None:
            by_city[(city_id, role)].append(person_id)
    people.by_city = dict(by_city)
    return people


def partner_cities(session: Session, project_ids: Iterable[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    ids = sorted(set(project_ids))
    for chunk in _chunks(ids):
        for project_id, city_id in session.exec(
            select(ProjectPartnerCity.project_id, ProjectPartnerCity.city_id).where(
                col(ProjectPartnerCity.project_id).in_(chunk)
            )
        ):
            found[project_id].add(city_id)
    return found


def voters(session: Session, review_ids: Iterable[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    ids = sorted(set(review_ids))
    for chunk in _chunks(ids):
        for review_id, person_id in session.exec(
            select(GateVote.review_id, GateVote.voter_person_id).where(
                col(GateVote.review_id).in_(chunk)
            )
        ):
            if person_id is not None:
                found[review_id].add(person_id)
    return found


def _chunks(ids: list[int], size: int = 5_000) -> Iterable[list[int]]:
    # Bounded IN lists: SQLite and PostgreSQL both cap the parameters of one statement.
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
