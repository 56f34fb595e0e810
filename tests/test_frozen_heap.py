"""What the API loads at its start stays out of the collector's full passes while it
serves, and is handed back when it stops."""

import gc

from fastapi.testclient import TestClient

from app.api import API_PREFIX
from app.main import create_app


def test_the_served_app_keeps_what_it_loaded_out_of_full_collections() -> None:
    before = gc.get_freeze_count()

    with TestClient(create_app()) as client:
        serving = gc.get_freeze_count()
        assert client.get(f"{API_PREFIX}/health").status_code in (200, 503)

    assert serving > before + 10_000  # modules, routes, models, the workflows
    assert gc.get_freeze_count() == 0
