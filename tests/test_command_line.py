"""A fresh install: migrate, create the first administrator, use the token, verify the trail."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api import API_PREFIX
from app.config import get_settings
from app.db import get_engine
from app.main import create_app
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
# Outside demo the audit keys must be real ones (these are made for the test only).
PRODUCTION = {
    "ENVIRONMENT": "production",
    "AUDIT_KEY": "test-only-audit-key-0123456789abcdefghij",
    "AUDIT_CHECKPOINT_KEY": "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE=",
    "SECRET_KEY": "a-real-secret-for-this-install-only-0123456789",
}


def run(command: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, **PRODUCTION}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_first_administrator_on_a_fresh_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run([str(BIN / "alembic"), "upgrade", "head"], url).returncode == 0

    created = run(
        [
            str(BIN / "citygate"),
            "create-admin",
            "--name",
            "Anne Admin",
            "--email",
            "anne@city.example",
        ],
        url,
    )
    refused_demo = run([str(BIN / "citygate"), "load-demo"], url)

    assert created.returncode == 0, created.stderr
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("cg_")
    assert refused_demo.returncode == 2
    assert "only loaded with ENVIRONMENT=demo" in refused_demo.stdout

    monkeypatch.setenv("DATABASE_URL", url)
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_engine.cache_clear()
    try:
        with TestClient(create_app(), base_url=f"http://testserver{API_PREFIX}") as client:
            me = client.get("/people/me", headers={"Authorization": f"Bearer {token}"}).json()
            person = client.post(
                "/people",
                json={"name": "Bo Board", "email": "bo@ienw.example", "roles": ["board_member"]},
                headers={"Authorization": f"Bearer {token}"},
            )
    finally:
        monkeypatch.delenv("DATABASE_URL")
        for name in PRODUCTION:
            monkeypatch.delenv(name)
        get_settings.cache_clear()
        get_engine().dispose()
        get_engine.cache_clear()

    assert me["roles"] == ["administrator"]
    assert person.status_code == 201
    verified = run([str(BIN / "citygate"), "verify-audit"], url)
    assert verified.returncode == 0
    assert "Audit trail intact: 3 entries verified." in verified.stdout


def test_recount_counts_rows_loaded_around_the_api(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'loaded.db'}"
    assert run([str(BIN / "alembic"), "upgrade", "head"], url).returncode == 0
    with sqlite3.connect(tmp_path / "loaded.db") as db:
        db.execute(
            "INSERT INTO project (id, city_id, title, problem_statement, intended_result,"
            " ecosystem_partners, funding_sources, stage, workflow_name, workflow_version,"
            " version, created_at, updated_at, stage_entered_at) VALUES (1, 1, 'Hub', 'p',"
            " 'r', '[]', '[]', 'pilot', 'default', 1, 1, '2026-01-01 00:00:00',"
            " '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
        )
        db.execute("INSERT INTO project_theme VALUES (1, 'smart_mobility')")
        db.execute("INSERT INTO project_term VALUES (1, 'hub', 2.0)")

    counted = run([str(BIN / "citygate"), "recount"], url)

    assert counted.returncode == 0, counted.stderr
    with sqlite3.connect(tmp_path / "loaded.db") as db:
        cells = db.execute(
            "SELECT city_id, theme_code, stage, projects FROM matrix_cell"
        ).fetchall()
        terms = db.execute("SELECT term, projects FROM term_frequency").fetchall()
    assert cells == [(1, "smart_mobility", "pilot", 1)]
    assert terms == [("hub", 1)]
