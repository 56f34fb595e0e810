"""search index emptied for the new vocabulary: purposes, technologies and stemmed words

The similar-project search now indexes glossary concepts and Snowball stems instead of
six-letter prefixes. The old terms are removed here; `citygate reindex --missing` (run by
`make migrate` and by the compose file's migrate service) indexes every project anew.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-01 21:55:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM project_term")
    op.execute("DELETE FROM term_frequency")


def downgrade() -> None:
    # The older vocabulary is rebuilt the same way, by `citygate reindex --missing`.
    op.execute("DELETE FROM project_term")
    op.execute("DELETE FROM term_frequency")
