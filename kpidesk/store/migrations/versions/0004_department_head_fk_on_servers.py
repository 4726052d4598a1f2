"""departments.head_id: the foreign key a server database did not get from 0001

0001 declares it with use_alter (departments and employees refer to each other), which SQLite keeps
inline but a server skips unless it is added afterwards; add it there. Nothing changes on SQLite.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NAME = "fk_departments_head_id_employees"


def _missing() -> bool:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return False
    return NAME not in {fk["name"] for fk in sa.inspect(bind).get_foreign_keys("departments")}


def upgrade() -> None:
    if _missing():
        op.create_foreign_key(NAME, "departments", "employees", ["head_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(NAME, "departments", type_="foreignkey")
