"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-28 00:27:41.689320
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=True),
    sa.Column('entity_id', sa.String(length=120), nullable=True),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('new', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_table('departments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('head_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['head_id'], ['employees.id'], name=op.f('fk_departments_head_id_employees'), ondelete='SET NULL', use_alter=True),
    sa.ForeignKeyConstraint(['parent_id'], ['departments.id'], name=op.f('fk_departments_parent_id_departments'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments'))
    )
    op.create_table('form_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_versions')),
    sa.UniqueConstraint('form_key', 'version', name=op.f('uq_form_versions_form_key'))
    )
    op.create_table('grade_scales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_scales')),
    sa.UniqueConstraint('name', name=op.f('uq_grade_scales_name'))
    )
    op.create_table('import_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_profiles')),
    sa.UniqueConstraint('name', name=op.f('uq_import_profiles_name'))
    )
    op.create_table('kpis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('definition', sa.Text(), nullable=True),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('direction', sa.String(length=10), nullable=False),
    sa.Column('formula', sa.Text(), nullable=True),
    sa.Column('baseline', sa.BigInteger(), nullable=True),
    sa.Column('target', sa.BigInteger(), nullable=True),
    sa.Column('challenge', sa.BigInteger(), nullable=True),
    sa.Column('perspective', sa.String(length=20), nullable=True),
    sa.Column('category', sa.String(length=40), nullable=True),
    sa.Column('data_source', sa.String(length=120), nullable=True),
    sa.Column('period_kind', sa.String(length=10), nullable=False),
    sa.Column('aggregation', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpis')),
    sa.UniqueConstraint('code', name=op.f('uq_kpis_code'))
    )
    op.create_table('periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('finalized_at', sa.DateTime(), nullable=True),
    sa.Column('finalized_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_periods')),
    sa.UniqueConstraint('code', name=op.f('uq_periods_code'))
    )
    op.create_table('positions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_positions')),
    sa.UniqueConstraint('name', name=op.f('uq_positions_name'))
    )
    op.create_table('raw_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('aggregation', sa.String(length=12), nullable=False),
    sa.Column('aliases', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_raw_fields')),
    sa.UniqueConstraint('code', name=op.f('uq_raw_fields_code'))
    )
    op.create_table('settings',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('employees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_no', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('hire_date', sa.Date(), nullable=True),
    sa.Column('leave_date', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_employees_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['manager_id'], ['employees.id'], name=op.f('fk_employees_manager_id_employees'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_employees_position_id_positions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employees')),
    sa.UniqueConstraint('staff_no', name=op.f('uq_employees_staff_no'))
    )
    op.create_table('grade_bands',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label_zh', sa.String(length=40), nullable=False),
    sa.Column('label_en', sa.String(length=40), nullable=False),
    sa.Column('lower_bound', sa.BigInteger(), nullable=False),
    sa.Column('colour', sa.String(length=9), nullable=True),
    sa.ForeignKeyConstraint(['scale_id'], ['grade_scales.id'], name=op.f('fk_grade_bands_scale_id_grade_scales'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grade_bands')),
    sa.UniqueConstraint('scale_id', 'code', name=op.f('uq_grade_bands_scale_id'))
    )
    op.create_table('snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_snapshots_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_snapshots'))
    )
    op.create_table('templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('name_zh', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('quantitative_share', sa.BigInteger(), nullable=False),
    sa.Column('qualitative_share', sa.BigInteger(), nullable=False),
    sa.Column('missing_policy', sa.String(length=12), nullable=False),
    sa.Column('two_thirds_rule', sa.Boolean(), nullable=False),
    sa.Column('score_min', sa.BigInteger(), nullable=False),
    sa.Column('score_max', sa.BigInteger(), nullable=False),
    sa.Column('grade_scale_id', sa.Integer(), nullable=True),
    sa.Column('rater_weights', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['grade_scale_id'], ['grade_scales.id'], name=op.f('fk_templates_grade_scale_id_grade_scales'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_templates_position_id_positions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_templates')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_templates_key'))
    )
    op.create_table('adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_adjustments_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_adjustments_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_adjustments'))
    )
    op.create_table('appeals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_by', sa.String(length=80), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_appeals_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_appeals_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals'))
    )
    op.create_table('appraisals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('position_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.Integer(), nullable=True),
    sa.Column('flags', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_appraisals_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_appraisals_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_appraisals_period_id_periods'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_appraisals_position_id_positions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['template_id'], ['templates.id'], name=op.f('fk_appraisals_template_id_templates'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisals')),
    sa.UniqueConstraint('period_id', 'employee_id', name=op.f('uq_appraisals_period_id'))
    )
    op.create_table('employee_moves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('moved_on', sa.Date(), nullable=False),
    sa.Column('from_department_id', sa.Integer(), nullable=True),
    sa.Column('to_department_id', sa.Integer(), nullable=True),
    sa.Column('from_position_id', sa.Integer(), nullable=True),
    sa.Column('to_position_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_employee_moves_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['from_department_id'], ['departments.id'], name=op.f('fk_employee_moves_from_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['from_position_id'], ['positions.id'], name=op.f('fk_employee_moves_from_position_id_positions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_department_id'], ['departments.id'], name=op.f('fk_employee_moves_to_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['to_position_id'], ['positions.id'], name=op.f('fk_employee_moves_to_position_id_positions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employee_moves'))
    )
    op.create_table('exemptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=80), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_exemptions_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_exemptions_kpi_id_kpis'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_exemptions_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemptions')),
    sa.UniqueConstraint('period_id', 'employee_id', 'kpi_id', name=op.f('uq_exemptions_period_id'))
    )
    op.create_table('form_responses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('rater_role', sa.String(length=10), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=True),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('texts', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_form_responses_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_versions.id'], name=op.f('fk_form_responses_form_version_id_form_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_form_responses_period_id_periods'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['rater_id'], ['employees.id'], name=op.f('fk_form_responses_rater_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_responses'))
    )
    op.create_table('measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('field_code', sa.String(length=60), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=True),
    sa.Column('source_file', sa.String(length=260), nullable=True),
    sa.Column('source_sheet', sa.String(length=120), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('source_checksum', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_measurements_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_measurements_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measurements')),
    sa.UniqueConstraint('employee_id', 'period_id', 'field_code', name=op.f('uq_measurements_employee_id'))
    )
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.create_index('ix_measurements_period', ['period_id'], unique=False)

    op.create_table('results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('quantitative', sa.BigInteger(), nullable=True),
    sa.Column('qualitative', sa.BigInteger(), nullable=True),
    sa.Column('adjustments', sa.BigInteger(), nullable=True),
    sa.Column('total', sa.BigInteger(), nullable=True),
    sa.Column('grade_code', sa.String(length=40), nullable=True),
    sa.Column('grade_computed', sa.String(length=40), nullable=True),
    sa.Column('rank_department', sa.Integer(), nullable=True),
    sa.Column('rank_organisation', sa.Integer(), nullable=True),
    sa.Column('flags', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_results_department_id_departments'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_results_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_results_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_results')),
    sa.UniqueConstraint('period_id', 'employee_id', name=op.f('uq_results_period_id'))
    )
    op.create_table('signoffs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('signed_by', sa.String(length=120), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_signoffs_employee_id_employees'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['period_id'], ['periods.id'], name=op.f('fk_signoffs_period_id_periods'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signoffs'))
    )
    op.create_table('template_forms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('form_version_id', sa.Integer(), nullable=False),
    sa.Column('share', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['form_version_id'], ['form_versions.id'], name=op.f('fk_template_forms_form_version_id_form_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['template_id'], ['templates.id'], name=op.f('fk_template_forms_template_id_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_forms')),
    sa.UniqueConstraint('template_id', 'form_version_id', name=op.f('uq_template_forms_template_id'))
    )
    op.create_table('template_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('kpi_id', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('weight', sa.BigInteger(), nullable=False),
    sa.Column('baseline', sa.BigInteger(), nullable=True),
    sa.Column('target', sa.BigInteger(), nullable=True),
    sa.Column('challenge', sa.BigInteger(), nullable=True),
    sa.Column('rule', sa.String(length=20), nullable=False),
    sa.Column('params', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['kpi_id'], ['kpis.id'], name=op.f('fk_template_items_kpi_id_kpis'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['template_id'], ['templates.id'], name=op.f('fk_template_items_template_id_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_template_items')),
    sa.UniqueConstraint('template_id', 'kpi_id', name=op.f('uq_template_items_template_id'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('employee_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_users_department_id_departments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['employee_id'], ['employees.id'], name=op.f('fk_users_employee_id_employees'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    op.create_table('form_ratings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('criterion_key', sa.String(length=80), nullable=False),
    sa.Column('level_key', sa.String(length=40), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['response_id'], ['form_responses.id'], name=op.f('fk_form_ratings_response_id_form_responses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_ratings')),
    sa.UniqueConstraint('response_id', 'criterion_key', name=op.f('uq_form_ratings_response_id'))
    )


def downgrade() -> None:
    op.drop_table('form_ratings')
    op.drop_table('users')
    op.drop_table('template_items')
    op.drop_table('template_forms')
    op.drop_table('signoffs')
    op.drop_table('results')
    with op.batch_alter_table('measurements', schema=None) as batch_op:
        batch_op.drop_index('ix_measurements_period')

    op.drop_table('measurements')
    op.drop_table('form_responses')
    op.drop_table('exemptions')
    op.drop_table('employee_moves')
    op.drop_table('appraisals')
    op.drop_table('appeals')
    op.drop_table('adjustments')
    op.drop_table('templates')
    op.drop_table('snapshots')
    op.drop_table('grade_bands')
    op.drop_table('employees')
    op.drop_table('settings')
    op.drop_table('raw_fields')
    op.drop_table('positions')
    op.drop_table('periods')
    op.drop_table('kpis')
    op.drop_table('import_profiles')
    op.drop_table('grade_scales')
    op.drop_table('form_versions')
    op.drop_table('departments')
    op.drop_table('audit_log')
