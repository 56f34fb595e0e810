"""Answers built from a model the service has just made, serialised once.

FastAPI checks a returned model against the response model again (in another trip
through the thread pool for a plain `def` route) before serialising it. The hottest
reads return their model as JSON themselves; the route still declares the model, so
the document is the same, and the headers the route set on its `Response` go along.
"""

from fastapi import Response
from pydantic import BaseModel


def json_of(model: BaseModel, headers_from: Response, *, exclude_unset: bool = False) -> Response:
    answer = Response(
        model.model_dump_json(exclude_unset=exclude_unset), media_type="application/json"
    )
    answer.headers.raw.extend(
        (name, value) for name, value in headers_from.headers.raw if name != b"content-length"
    )
    return answer
