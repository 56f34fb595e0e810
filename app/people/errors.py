"""Refusals about people and tokens."""

from app.errors import Conflict, NotFound


class PersonNotFound(NotFound):
    type_slug = "person-not-found"
    title = "Person not found"

    def __init__(self, person_id: int) -> None:
        super().__init__(f"No person with id {person_id}.")


class TokenNotFound(NotFound):
    type_slug = "token-not-found"
    title = "Token not found"

    def __init__(self, token_id: int) -> None:
        super().__init__(f"No token with id {token_id}.")


class EmailTaken(Conflict):
    type_slug = "email-taken"
    title = "E-mail address already in use"

    def __init__(self) -> None:
        super().__init__("Another person already uses this e-mail address.")


class ChairTaken(Conflict):
    type_slug = "chair-taken"
    title = "The board already has a chair"


class PersonErased(Conflict):
    type_slug = "person-erased"
    title = "Person was erased"

    def __init__(self, person_id: int) -> None:
        super().__init__(f"Person {person_id} was erased; nothing more can be done for them.")
