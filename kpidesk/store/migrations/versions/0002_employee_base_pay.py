"""employees: base pay (sensitive, for the pay calculation)

The table is rebuilt (batch mode) so the upgrade path exercises SQLite's copy-and-move, which must not
touch any row that refers to an employee.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("employees", recreate="always") as batch:
        batch.add_column(sa.Column("base_pay", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employees", recreate="always") as batch:
        batch.drop_column("base_pay")
