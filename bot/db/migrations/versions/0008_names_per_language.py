"""City, venue, room and speaker per language (a name given once is kept for all three).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAMES = {"city": 100, "venue": 200, "room": 100, "speaker": 200}  # the old columns' lengths
LANGUAGES = ("kk", "ru", "en")


def upgrade() -> None:
    for name in NAMES:
        for language in LANGUAGES:
            op.add_column(
                "events",
                sa.Column(f"{name}_{language}", sa.String(200), nullable=False, server_default=""),
            )
        op.execute(f"UPDATE events SET {name}_kk = {name}, {name}_ru = {name}, {name}_en = {name}")
        op.drop_column("events", name)


def downgrade() -> None:
    for name, length in NAMES.items():
        op.add_column(
            "events",
            sa.Column(name, sa.String(length), nullable=False, server_default=""),
        )
        # The first language given, cut to the old length.
        first = f"COALESCE(NULLIF({name}_kk, ''), NULLIF({name}_ru, ''), {name}_en)"
        op.execute(f"UPDATE events SET {name} = SUBSTR({first}, 1, {length})")
        for language in LANGUAGES:
            op.drop_column("events", f"{name}_{language}")
