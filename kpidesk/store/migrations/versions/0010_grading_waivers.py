"""grading_waivers: a person graded and ranked in a period despite too little data, with the reason

Revision ID: 0010_grading_waivers
Revises: 0009_database_identity
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_grading_waivers"
down_revision = "0009_database_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "grading_waivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"], name=op.f("fk_grading_waivers_employee_id_employees"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"], name=op.f("fk_grading_waivers_period_id_periods"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grading_waivers")),
        sa.UniqueConstraint("period_id", "employee_id", name=op.f("uq_grading_waivers_period_id")),
    )


def downgrade() -> None:
    op.drop_table("grading_waivers")
