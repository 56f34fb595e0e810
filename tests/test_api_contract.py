"""The OpenAPI document declares what the shared machinery answers on every operation."""

from typing import Any

from fastapi.testclient import TestClient

from app.main import create_app
from tests.auth.test_authorization_matrix import EVERYONE, RULES

DOCUMENT = create_app().openapi()
OPERATIONS = [
    (method, path, operation)
    for path, operations in DOCUMENT["paths"].items()
    for method, operation in operations.items()
]
OPTIONAL_TOKEN: list[dict[str, list[str]]] = [{}, {"HTTPBearer": []}]


def test_a_token_is_optional_exactly_where_the_public_is_let_in() -> None:
    declared = {
        (method.upper(), path): operation.get("security") == OPTIONAL_TOKEN
        for method, path, operation in OPERATIONS
        if path != "/openapi.json"
    }
    # The import checks its caller's role itself; its document is its own business.
    expected = {
        key: RULES[key].allowed == EVERYONE for key in declared if key != ("POST", "/imports")
    }

    assert {key: declared[key] for key in expected} == expected


def test_every_operation_documents_401_and_every_post_the_idempotency_key() -> None:
    without_401 = [path for _, path, op in OPERATIONS if "401" not in op["responses"]]
    keys = {
        path: next((p for p in operation["parameters"] if p["name"] == "Idempotency-Key"), None)
        for method, path, operation in OPERATIONS
        if method == "post"
    }

    assert without_401 == ["/openapi.json"]
    assert [path for path, key in keys.items() if key is None] == []
    assert all("kept for 24 hours" in key["description"] for key in keys.values() if key)


def test_405_names_every_method_the_path_accepts(client: TestClient) -> None:
    response = client.delete("/projects")
    body: dict[str, Any] = response.json()

    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert body["status"] == 405
