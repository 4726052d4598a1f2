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


def _recreate() -> str:
    """Rebuild the table on SQLite (to exercise the copy-and-move); plain ALTER TABLE elsewhere."""
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade() -> None:
    with op.batch_alter_table("employees", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("base_pay", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("employees", recreate=_recreate()) as batch:
        batch.drop_column("base_pay")
