"""Anonymous peer answers lose their author once submitted; who has answered for whom is kept apart

Every submitted anonymous answer gets its rater, its times and its id taken away: the rater goes into
form_answered_raters (without anything pointing back to the answer), the answer and its ratings get new
random ids so that neither id order nor the old ids in the audit trail line them up again. Drafts keep
their rater until they are submitted. The tables are written out here (not the models) so this revision
stays what it was.

Revision ID: 0008_anonymous_peers
Revises: 0007
Create Date: 2026-12-06
"""

import random
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0008_anonymous_peers"
down_revision = "0007"
branch_labels = None
depends_on = None

RANDOM_ID_MAX = 2**31 - 2

responses = sa.table(
    "form_responses",
    sa.column("id", sa.Integer), sa.column("period_id", sa.Integer), sa.column("employee_id", sa.Integer),
    sa.column("form_version_id", sa.Integer), sa.column("rater_role", sa.String),
    sa.column("rater_id", sa.Integer), sa.column("anonymous", sa.Boolean), sa.column("status", sa.String),
    sa.column("texts", sa.Text), sa.column("updated_at", sa.DateTime), sa.column("submitted_at", sa.DateTime),
)
ratings = sa.table(
    "form_ratings",
    sa.column("id", sa.Integer), sa.column("response_id", sa.Integer), sa.column("criterion_key", sa.String),
    sa.column("level_key", sa.String), sa.column("comment", sa.Text),
)
answered = sa.table(
    "form_answered_raters",
    sa.column("id", sa.Integer), sa.column("period_id", sa.Integer), sa.column("employee_id", sa.Integer),
    sa.column("form_version_id", sa.Integer), sa.column("rater_role", sa.String), sa.column("rater_id", sa.Integer),
)


def _unused_id(bind, table, taken: set[int]) -> int:
    while True:
        candidate = 1 + secrets.randbelow(RANDOM_ID_MAX)
        if candidate in taken:
            continue
        if bind.execute(sa.select(table.c.id).where(table.c.id == candidate)).first() is None:
            taken.add(candidate)
            return candidate


def upgrade() -> None:
    op.create_table(
        "form_answered_raters",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("employee_id", sa.Integer(), nullable=False),
        sa.Column("form_version_id", sa.Integer(), nullable=False),
        sa.Column("rater_role", sa.String(length=10), nullable=False),
        sa.Column("rater_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["employee_id"], ["employees.id"],
                                name=op.f("fk_form_answered_raters_employee_id_employees"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["form_version_id"], ["form_versions.id"],
                                name=op.f("fk_form_answered_raters_form_version_id_form_versions"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["period_id"], ["periods.id"],
                                name=op.f("fk_form_answered_raters_period_id_periods"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["rater_id"], ["employees.id"],
                                name=op.f("fk_form_answered_raters_rater_id_employees"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_answered_raters")),
        sa.UniqueConstraint("period_id", "employee_id", "form_version_id", "rater_role", "rater_id",
                            name=op.f("uq_form_answered_raters_period_id")),
    )
    with op.batch_alter_table("form_responses") as batch:
        batch.alter_column("updated_at", existing_type=sa.DateTime(), nullable=True)
    _unlink_submitted_anonymous_answers(op.get_bind())


def _unlink_submitted_anonymous_answers(bind) -> None:
    rows = bind.execute(sa.select(responses).where(
        responses.c.anonymous.is_(True), responses.c.status == "submitted")).mappings().all()
    rows = list(rows)
    random.SystemRandom().shuffle(rows)  # the new rows are written in no telling order
    taken_answers: set[int] = set()
    taken_ratings: set[int] = set()
    taken_marks: set[int] = set()
    marked: set[tuple] = set()
    for row in rows:
        if row["rater_id"] is not None:
            key = (row["period_id"], row["employee_id"], row["form_version_id"], row["rater_role"], row["rater_id"])
            if key not in marked:
                marked.add(key)
                bind.execute(answered.insert().values(
                    id=_unused_id(bind, answered, taken_marks), period_id=key[0], employee_id=key[1],
                    form_version_id=key[2], rater_role=key[3], rater_id=key[4]))
        new_id = _unused_id(bind, responses, taken_answers)
        bind.execute(responses.insert().values(
            id=new_id, period_id=row["period_id"], employee_id=row["employee_id"],
            form_version_id=row["form_version_id"], rater_role=row["rater_role"], rater_id=None, anonymous=True,
            status="submitted", texts=row["texts"], updated_at=None, submitted_at=None))
        for rating in bind.execute(sa.select(ratings).where(ratings.c.response_id == row["id"])).mappings().all():
            bind.execute(ratings.delete().where(ratings.c.id == rating["id"]))
            bind.execute(ratings.insert().values(
                id=_unused_id(bind, ratings, taken_ratings), response_id=new_id,
                criterion_key=rating["criterion_key"], level_key=rating["level_key"], comment=rating["comment"]))
        bind.execute(responses.delete().where(responses.c.id == row["id"]))


def downgrade() -> None:
    """The links dropped on upgrade cannot come back; answers without a time get the time of the downgrade."""
    bind = op.get_bind()
    bind.execute(responses.update().where(responses.c.updated_at.is_(None)).values(updated_at=sa.func.current_timestamp()))
    with op.batch_alter_table("form_responses") as batch:
        batch.alter_column("updated_at", existing_type=sa.DateTime(), nullable=False)
    op.drop_table("form_answered_raters")
