"""Alembic owns the schema: an empty database goes to head and back, and models match it."""

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, text
from sqlmodel import Session

from app.audit.service import verify_trail
from app.db import build_engine
from app.models import metadata
from tests.conftest import alembic_config


@pytest.fixture
def empty_engine(empty_database_url: str) -> Iterator[Engine]:
    """A database of the suite's kind that nothing has touched yet."""
    engine = build_engine(empty_database_url)
    yield engine
    engine.dispose()


def test_upgrade_to_head_and_down_to_base(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    tables = set(inspect(empty_engine).get_table_names())
    assert set(metadata.tables) <= tables

    with empty_engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
        g40 = connection.execute(text("SELECT count(*) FROM city WHERE g40")).scalar_one()
    assert g40 == 34


# SQLite cannot reflect expression indexes, so they are compared on PostgreSQL only.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based")
def test_models_match_the_migrated_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_tallies_count_the_history_already_there(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0007")
        connection.execute(
            text(
                "INSERT INTO project (id, city_id, title, problem_statement, intended_result,"
                " ecosystem_partners, funding_sources, stage, workflow_name, workflow_version,"
                " version, created_at, updated_at, stage_entered_at) VALUES (1, 1, 'Hub',"
                " 'p', 'r', '[]', '[]', 'evaluation', 'default', 1, 1, :t0, :t0, :t2)"
            ),
            {"t0": "2026-01-01 00:00:00", "t2": "2026-01-31 12:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO stage_history (project_id, from_stage, to_stage, trigger,"
                " occurred_at) VALUES (1, NULL, 'idea', 'create', '2026-01-01 00:00:00'),"
                " (1, 'idea', 'pilot', 'advance', '2026-01-11 06:00:00'),"
                " (1, 'pilot', 'evaluation', 'advance', '2026-01-31 12:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO gate_review (project_id, gate, workflow_version, from_stage,"
                " to_stage, status, submitted_by_pseudonym, submitted_at, criteria, score,"
                " max_score, quorum, majority, decision, decided_at, version) VALUES (1,"
                " 'idea_to_pilot', 1, 'idea', 'pilot', 'decided', 'x', '2026-01-04 00:00:00',"
                " '[]', 0, 0, 3, 0.5, 'go', '2026-01-11 06:00:00', 1)"
            )
        )
        connection.execute(
            text("INSERT INTO project_theme (project_id, theme_code) VALUES (1, 'smart_mobility')")
        )
        command.upgrade(alembic_config(connection), "head")
        stays = connection.execute(text("SELECT stage, days, stays FROM stay_tally")).all()
        decided = connection.execute(text("SELECT * FROM decision_tally")).all()
        cells = connection.execute(text("SELECT * FROM matrix_cell")).all()
        entries = connection.execute(text("SELECT stage, projects FROM stage_entry")).all()

    # Finished stays only, in whole days: idea 10.25 days, pilot 20.25; evaluation runs on.
    assert sorted(tuple(row) for row in stays) == [("idea", 10, 1), ("pilot", 20, 1)]
    assert [tuple(row) for row in decided] == [("idea_to_pilot", "go", 7, 1)]
    assert [tuple(row) for row in cells] == [(1, "smart_mobility", "evaluation", 1)]
    assert [tuple(row) for row in entries] == [("evaluation", 1)]


def _legacy_trail(connection: Connection, entries: int) -> None:
    """Entries sealed as before 0021: an unkeyed SHA-256 chain."""
    prev = "0" * 64
    for seq in range(1, entries + 1):
        occurred = datetime(2026, 11, 1, 12, seq, tzinfo=UTC)
        content = {
            "seq": seq, "occurred_at": occurred.isoformat(timespec="microseconds"),
            "actor": "system", "role": "system", "action": "city.create",
            "object_type": "city", "object_id": str(seq), "changes": {}, "request_id": None,
        }  # fmt: skip
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(f"{prev}\n{canonical}".encode()).hexdigest()
        connection.execute(
            text(
                "INSERT INTO audit_entry (seq, occurred_at, actor_pseudonym, actor_role, action,"
                " object_type, object_id, changes, prev_hash, hash) VALUES (:seq, :at,"
                " 'system', 'system', 'city.create', 'city', :oid, '{}', :prev, :hash)"
            ),
            {"seq": seq, "at": occurred, "oid": str(seq), "prev": prev, "hash": digest},
        )
        prev = digest
    connection.execute(
        text("UPDATE audit_head SET last_seq = :s, last_hash = :h WHERE id = 1"),
        {"s": entries, "h": prev},
    )


def test_the_trail_is_resealed_under_the_key(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0020")
        _legacy_trail(connection, 3)
        command.upgrade(alembic_config(connection), "head")

    with Session(empty_engine) as session:
        assert verify_trail(session).entries_checked == 3
        assert verify_trail(session).intact


def test_a_broken_trail_is_not_resealed(empty_engine: Engine) -> None:
    with empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "0020")
        _legacy_trail(connection, 3)
        connection.execute(text("UPDATE audit_entry SET object_id = '9' WHERE seq = 2"))

    with pytest.raises(RuntimeError, match="broken at entry 2"), empty_engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
