"""pay: versioned rules, budgets, hand-granted bonuses and frozen payroll runs

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 01:01:53.300499
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pay_rule_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_rule_versions')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_pay_rule_versions_effective_from')),
    sa.UniqueConstraint('starts_on', name=op.f('uq_pay_rule_versions_starts_on'))
    )
    op.create_table('pay_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('measure', sa.String(length=12), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_pay_budgets_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_pay_budgets_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_budgets')),
    sa.UniqueConstraint('period_id', 'department_id', name=op.f('uq_pay_budgets_period_id'))
    )
    op.create_table('pay_bonuses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_pay_bonuses_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_pay_bonuses_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_bonuses'))
    )
    op.create_table('pay_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=False),
    sa.Column('rule_version_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_pay_runs_period_id_periods'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['rule_version_id'], ['pay_rule_versions.id'], name=op.f('fk_pay_runs_rule_version_id_pay_rule_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['snapshot_id'], ['snapshots.id'], name=op.f('fk_pay_runs_snapshot_id_snapshots'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pay_runs'))
    )


def downgrade() -> None:
    op.drop_table('pay_runs')
    op.drop_table('pay_bonuses')
    op.drop_table('pay_budgets')
    op.drop_table('pay_rule_versions')
