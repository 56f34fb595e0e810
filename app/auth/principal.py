"""The caller of a request, and the role in which they act."""

from dataclasses import dataclass, field

from app.people.models import Role


@dataclass(frozen=True)
class Principal:
    """Whoever sent the request: a person with roles, or the anonymous public."""

    person_id: int | None
    pseudonym: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    city_id: int | None = None
    board_chair: bool = False

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None

    def has(self, role: Role) -> bool:
        return role in self.roles

    def sees_internals_of(self, city_id: int) -> bool:
        """People of the city itself, the board and administrators see internal fields."""
        return (self.city_id == city_id and not self.is_anonymous) or bool(
            self.roles & {Role.BOARD_MEMBER, Role.ADMINISTRATOR}
        )


ANONYMOUS = Principal(person_id=None, pseudonym="anonymous")


@dataclass(frozen=True)
class Actor:
    """A principal acting in one of their roles; what the audit trail records."""

    principal: Principal
    role: str

    @property
    def person_id(self) -> int | None:
        return self.principal.person_id

    @property
    def pseudonym(self) -> str:
        return self.principal.pseudonym


# Commands run by an operator on the server (migrations, CLI) act as the system.
SYSTEM = Actor(Principal(person_id=None, pseudonym="system"), role="system")
