"""periods.status and form_responses.status: CHECK constraints naming the allowed states

A misspelt state used to be stored and then read as "not finalized" everywhere; the database now refuses
it. The values are written out here (not taken from the enums) so this revision stays what it was.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHECKS = {
    "periods": ("ck_periods_status", "status IN ('open', 'review', 'finalized')"),
    "form_responses": ("ck_form_responses_status", "status IN ('draft', 'submitted')"),
}


def upgrade() -> None:
    for table, (name, condition) in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.create_check_constraint(op.f(name), condition)


def downgrade() -> None:
    for table, (name, _condition) in CHECKS.items():
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(name), type_="check")
