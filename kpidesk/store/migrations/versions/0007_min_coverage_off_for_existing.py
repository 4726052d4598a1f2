"""settings.min_coverage_to_grade = 0 in databases that already hold periods

New databases grade only results that rest on at least 80 % of the template (the setting's default);
a database upgraded with periods in it keeps grading every result as before until HR chooses a minimum.
A database without periods yet is treated as new.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KEY = "min_coverage_to_grade"


def upgrade() -> None:
    bind = op.get_bind()
    has_periods = bind.execute(sa.text("SELECT 1 FROM periods LIMIT 1")).first() is not None
    stored = bind.execute(sa.text("SELECT 1 FROM settings WHERE key = :key"), {"key": KEY}).first() is not None
    if has_periods and not stored:
        bind.execute(sa.text("INSERT INTO settings (key, value) VALUES (:key, :value)"), {"key": KEY, "value": "0"})


def downgrade() -> None:
    op.get_bind().execute(sa.text("DELETE FROM settings WHERE key = :key"), {"key": KEY})
