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
# written out (not the models) so this revision stays what it was; Core quotes "key" where it is reserved
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))
periods = sa.table("periods", sa.column("id", sa.Integer))


def upgrade() -> None:
    bind = op.get_bind()
    has_periods = bind.execute(sa.select(periods.c.id).limit(1)).first() is not None
    stored = bind.execute(sa.select(settings.c.key).where(settings.c.key == KEY)).first() is not None
    if has_periods and not stored:
        bind.execute(settings.insert().values(key=KEY, value="0"))  # the JSON text of 0


def downgrade() -> None:
    op.get_bind().execute(settings.delete().where(settings.c.key == KEY))
