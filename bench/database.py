"""The benchmark's databases: created when missing, emptied and migrated before each run."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app.models import metadata


def ensure_empty(url: str) -> None:
    """Start a SQLite file afresh; create a PostgreSQL database when it is not there yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        return
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
        ).first()
        if exists is None:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    server.dispose()


def fresh_schema(engine: Engine) -> None:
    """Drop everything and migrate to head: every run starts from the same empty schema."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        else:
            metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        config = Config("alembic.ini")
        config.attributes["configure_logger"] = False
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def settle(engine: Engine) -> None:
    """Leave the freshly loaded database as one in use is: with planner statistics and,
    on PostgreSQL, vacuumed (autovacuum does so soon after a bulk load), so that reads
    from an index alone need not visit the table."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
