"""Every integer a caller sends fits the column it ends up in (PostgreSQL INTEGER is 32-bit).

The document is walked, not a list kept by hand, so an operation added later is held
to the same bound.
"""

import json
import re
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from app.main import create_app
from app.paths import MAX_INT
from tests.people_factories import Headers

# Body fields kept in 64-bit columns (BigInteger): whole euros.
SIXTY_FOUR_BIT = {"capex_eur", "opex_eur_per_year"}
DOCUMENT = create_app().openapi()


def _integers(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("type") == "integer":
            yield node
        for value in node.values():
            yield from _integers(value)
    elif isinstance(node, list):
        for value in node:
            yield from _integers(value)


def _request_models() -> set[str]:
    """Names of the schemas a request body can hold, followed through their references."""
    pending = [
        operation.get("requestBody", {})
        for operations in DOCUMENT["paths"].values()
        for operation in operations.values()
    ]
    seen: set[str] = set()
    while pending:
        node = pending.pop()
        for ref in re.findall(r"#/components/schemas/(\w+)", json.dumps(node)):
            if ref not in seen:
                seen.add(ref)
                pending.append(DOCUMENT["components"]["schemas"][ref])
    return seen


def _request_integers() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                for schema in _integers(parameter["schema"]):
                    yield f"{method.upper()} {path}", parameter["name"], schema
    for model in sorted(_request_models()):
        properties = DOCUMENT["components"]["schemas"][model].get("properties", {})
        for field, schema in properties.items():
            for integer in _integers(schema):
                yield model, field, integer


def _parameters(location: str) -> list[tuple[str, str, str, int]]:
    found = []
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                integer = next(iter(_integers(schema)), None)
                if parameter["in"] == location and integer is not None:
                    found.append((method.upper(), path, parameter["name"], integer["maximum"]))
    return found


def test_every_integer_input_is_bounded_by_its_column() -> None:
    unbounded = [
        (where, name, schema.get("maximum"))
        for where, name, schema in _request_integers()
        if schema.get("maximum") is None
        or schema["maximum"] > (2**63 - 1 if name in SIXTY_FOUR_BIT else MAX_INT)
    ]

    assert unbounded == []


def _url(path: str, name: str, value: int) -> str:
    for parameter in re.findall(r"{(\w+)}", path):
        if parameter == name:
            path = path.replace("{" + name + "}", str(value))
    return (
        path.replace("{name}", "default" if path.startswith("/workflows") else "dpia")
        .replace("{item_id}", "x")
        .replace("{version}", "1")
        .replace("{project_id}", "1")
    )


def test_the_largest_query_value_is_answered_not_a_server_error(
    client: TestClient, callers: Any
) -> None:
    admin: Headers = callers.admin
    answers = {
        (path, name): client.get(_url(path, name, maximum), params={name: maximum}, headers=admin)
        for method, path, name, maximum in _parameters("query")
        if method == "GET"
    }

    assert {key: r.status_code for key, r in answers.items() if r.status_code >= 500} == {}
    assert answers[("/audit/entries", "afterSeq")].status_code == 200


def test_the_largest_id_is_a_client_error_not_a_server_error(
    client: TestClient, callers: Any
) -> None:
    admin: Headers = callers.admin
    answers = {
        (method, path, name): client.request(
            method, re.sub(r"{\w+_id}", "1", _url(path, name, maximum)), headers=admin, json={}
        )
        for method, path, name, maximum in _parameters("path")
    }

    assert {key: r.status_code for key, r in answers.items() if r.status_code >= 500} == {}
