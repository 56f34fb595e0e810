"""The NL GOV API Design Rules, linted over the OpenAPI document and checked on the wire.

Each lint rule carries the name it has in the ADR ruleset for Spectral that integrators
run (Logius' published `linter.yaml`, ADR 2.0 and the draft that follows it), so that a
failure here reads like their linter's report. The exceptions this API takes are in the
README's API section; none of them is a lint error.
"""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api import API_PREFIX, API_VERSION
from app.main import create_app

Document = dict[str, Any]
METHODS = {"get", "put", "post", "delete", "patch"}
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
KEBAB_PATH = re.compile(
    r"^(\/|(\/_[a-z0-9]+|\/(([a-z0-9\-]+|{[^}]+})(\/([a-z0-9\-\.]+|{[^}]+}))*)(\/_[a-z]+)?)\/?)$"
)
CAMEL_QUERY_KEY = re.compile(r"^\$?[a-z][a-z\d]*([A-Z][a-z\d]*)*$")
DATE_NAMED = re.compile(r"((\w+D)|(_[dD]))((ate)|(atum))")


def operations(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def responses(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, method, operation in operations(document):
        for status, response in operation["responses"].items():
            yield f"{method.upper()} {path} {status}", status, response


def resolve(document: Document, schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        *_, name = schema["$ref"].split("/")
        schema = document["components"]["schemas"][name]
    return schema


def schema_properties(document: Document) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, schema in document["components"]["schemas"].items():
        for field, definition in schema.get("properties", {}).items():
            yield f"{name}.{field}", field, definition


def formats_of(definition: dict[str, Any]) -> set[str]:
    """The formats a property may take, through `anyOf` (an optional value) as well."""
    found = {definition["format"]} if "format" in definition else set()
    for part in definition.get("anyOf", []) + definition.get("allOf", []):
        found |= formats_of(part)
    return found


def openapi3(document: Document) -> list[str]:
    return [] if re.fullmatch(r"3(\.\d+){1,2}", document.get("openapi", "")) else ["openapi"]


def missing_header(document: Document) -> list[str]:
    return [
        where
        for where, status, r in responses(document)
        if status[0] in "23" and not r.get("headers")
    ]


def missing_version_header(document: Document) -> list[str]:
    return [
        where
        for where, status, response in responses(document)
        if status[0] in "23" and "API-Version" not in response.get("headers", {})
    ]


def include_major_version_in_uri(document: Document) -> list[str]:
    servers = document.get("servers") or [{"url": "/"}]
    return [s["url"] for s in servers if not re.search(r"/v\d", s["url"])]


def paths_no_trailing_slash(document: Document) -> list[str]:
    return [path for path in document["paths"] if re.fullmatch(r".+/", path)]


def info_contact_fields_exist(document: Document) -> list[str]:
    contact = document["info"].get("contact", {})
    return [field for field in ("name", "email", "url") if not contact.get(field)]


def http_methods(document: Document) -> list[str]:
    allowed = METHODS | {"parameters", "summary", "description", "servers"}
    return [
        f"{key.upper()} {path}"
        for path, item in document["paths"].items()
        for key in item
        if key not in allowed
    ]


def paths_kebab_case(document: Document) -> list[str]:
    # The ruleset leaves the document's own resource out of this rule.
    named = (path for path in document["paths"] if path != "/openapi.json")
    return [path for path in named if not KEBAB_PATH.fullmatch(path)]


def query_keys_camel_case(document: Document) -> list[str]:
    return [
        f"{method.upper()} {path} ?{parameter['name']}"
        for path, method, operation in operations(document)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and not CAMEL_QUERY_KEY.fullmatch(parameter["name"])
    ]


def servers_use_https(document: Document) -> list[str]:
    return [s["url"] for s in document.get("servers", []) if s["url"].startswith("http://")]


def use_problem_schema(document: Document) -> list[str]:
    return [
        where
        for where, status, response in responses(document)
        if status[0] in "45" and "application/problem+json" not in response.get("content", {})
    ]


def problem_schema_members(document: Document) -> list[str]:
    broken = []
    for where, status, response in responses(document):
        content = response.get("content", {}).get("application/problem+json")
        if status[0] in "45" and content is not None:
            members = resolve(document, content["schema"]).get("properties", {})
            if not {"status", "title", "detail"} <= members.keys():
                broken.append(where)
    return broken


def problem_invalid_input(document: Document) -> list[str]:
    return [
        f"{method.upper()} {path}"
        for path, method, operation in operations(document)
        if (method not in {"get", "delete"} or operation.get("parameters"))
        and "400" not in operation["responses"]
    ]


def specify_format_for_date_and_time(document: Document) -> list[str]:
    return [
        where
        for where, field, definition in schema_properties(document)
        if (field in {"date", "datum"} or DATE_NAMED.search(field)) and not formats_of(definition)
    ]


def use_date_instead_of_datetime(document: Document) -> list[str]:
    return [
        where
        for where, field, definition in schema_properties(document)
        if (field in {"date", "datum"} or DATE_NAMED.search(field))
        and "date-time" in formats_of(definition)
    ]


def date_time_ensure_timezone(document: Document) -> list[str]:
    return [w for w, _, d in schema_properties(document) if "date-time-local" in formats_of(d)]


def time_without_timezone(document: Document) -> list[str]:
    return [w for w, _, d in schema_properties(document) if "time" in formats_of(d)]


def semver(document: Document) -> list[str]:
    version = document["info"].get("version", "")
    return [] if SEMVER.fullmatch(version) else [version]


def paths_open_api_json_resource_exists(document: Document) -> list[str]:
    item = document["paths"].get("/openapi.json", {})
    return [] if set(item) & METHODS == {"get"} else ["/openapi.json"]


def paths_open_api_json_specify_cors_header(document: Document) -> list[str]:
    headers = document["paths"]["/openapi.json"]["get"]["responses"]["200"].get("headers", {})
    lowered = {name.lower() for name in headers}
    return [] if "access-control-allow-origin" in lowered else ["/openapi.json 200"]


RULES: dict[str, Callable[[Document], list[str]]] = {
    "openapi3": openapi3,
    "missing-header": missing_header,
    "missing-version-header": missing_version_header,
    "include-major-version-in-uri": include_major_version_in_uri,
    "paths-no-trailing-slash": paths_no_trailing_slash,
    "info-contact-fields-exist": info_contact_fields_exist,
    "http-methods": http_methods,
    "paths-kebab-case": paths_kebab_case,
    "query-keys-camel-case": query_keys_camel_case,
    "servers-use-https": servers_use_https,
    "use-problem-schema": use_problem_schema,
    "problem-schema-members": problem_schema_members,
    "problem-invalid-input": problem_invalid_input,
    "specify-format-for-date-and-time": specify_format_for_date_and_time,
    "use-date-instead-of-datetime": use_date_instead_of_datetime,
    "date-time-ensure-timezone": date_time_ensure_timezone,
    "time-without-timezone": time_without_timezone,
    "semver": semver,
    "paths-open-api-json-resource-exists": paths_open_api_json_resource_exists,
    "paths-open-api-json-specify-cors-header": paths_open_api_json_specify_cors_header,
}


@pytest.fixture(scope="module")
def document() -> Document:
    return create_app().openapi()


@pytest.mark.parametrize("rule", RULES)
def test_openapi_document_passes_adr_rule(document: Document, rule: str) -> None:
    assert RULES[rule](document) == [], f"ADR lint error: {rule}"


def test_the_lint_finds_what_it_is_meant_to_find() -> None:
    """Each rule fails on a document that breaks it, so a passing lint means something."""
    broken: Document = {
        "openapi": "2.0",
        "info": {"version": "1", "contact": {"name": "x"}},
        "servers": [{"url": "http://example.org/api"}],
        "paths": {
            "/Projects/": {
                "head": {"responses": {}},
                "post": {
                    "parameters": [{"name": "page_size", "in": "query"}],
                    "responses": {"201": {}, "404": {"content": {"application/json": {}}}},
                },
            },
        },
        "components": {"schemas": {"Thing": {"properties": {"due_date": {"type": "string"}}}}},
    }
    failing = {
        name for name, rule in RULES.items() if name.startswith("paths-open") or rule(broken)
    }
    assert failing == RULES.keys() - {
        # Nothing in the broken document has these to break.
        "problem-schema-members",
        "use-date-instead-of-datetime",
        "date-time-ensure-timezone",
        "time-without-timezone",
    }


class TestOnTheWire:
    def test_every_answer_says_the_full_version(self, client: TestClient) -> None:
        found = client.get("/projects")
        missing = client.get("/projects/2147483647")
        refused = client.post("/projects", json={})

        for response in (found, missing, refused):
            assert response.headers["API-Version"] == API_VERSION

    def test_the_openapi_document_is_published_at_the_base_path_for_any_origin(
        self, client: TestClient
    ) -> None:
        response = client.get("/openapi.json", headers={"Origin": "https://gemeente.example.nl"})

        assert response.status_code == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.json()["servers"] == [{"url": API_PREFIX, "description": "This server"}]

    def test_a_trailing_slash_is_another_path(self, client: TestClient) -> None:
        response = client.get("/projects/", follow_redirects=False)

        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"

    def test_nothing_answers_outside_the_versioned_base_path(self, client: TestClient) -> None:
        assert client.get("http://testserver/projects").status_code == 404

    def test_an_unknown_query_key_is_refused_with_the_keys_that_are_known(
        self, client: TestClient
    ) -> None:
        response = client.get("/projects?solution_type=chatbot")

        assert response.status_code == 400
        problem = response.json()
        assert problem["unknown"] == ["solution_type"]
        assert "solutionType" in problem["detail"]

    def test_a_browser_on_another_origin_may_call_the_api(self, client: TestClient) -> None:
        preflight = client.options(
            "/projects",
            headers={
                "Origin": "https://gemeente.example.nl",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, idempotency-key",
            },
        )

        assert preflight.status_code == 200
        assert preflight.headers["Access-Control-Allow-Origin"] == "*"
        assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"].lower()
