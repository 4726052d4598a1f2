"""settings.database_identity: a random id naming this database in the witnesses kept outside the file

The witnesses of finalizations, reopenings and backups (kpidesk.services.safety.witness) are filed in the
user data folder under this id; it stays with the database when the file is copied, backed up or restored.

Revision ID: 0009_database_identity
Revises: 0008_anonymous_peers
Create Date: 2026-12-06
"""

import json
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0009_database_identity"
down_revision = "0008_anonymous_peers"
branch_labels = None
depends_on = None

KEY = "database_identity"
# written out (not the models) so this revision stays what it was; Core quotes "key" where it is reserved
settings = sa.table("settings", sa.column("key", sa.String), sa.column("value", sa.Text))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.select(settings.c.key).where(settings.c.key == KEY)).first() is None:
        bind.execute(settings.insert().values(key=KEY, value=json.dumps(uuid.uuid4().hex)))


def downgrade() -> None:
    op.get_bind().execute(settings.delete().where(settings.c.key == KEY))
