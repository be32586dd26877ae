"""A claim can be opened as a first notice of loss before its loss lines are known (no adjudication yet), keeps
the notice's description and links the practice's incident whose breach deadlines run from discovery.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0006'
down_revision: str | Sequence[str] | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('incident_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.alter_column('adjudication', existing_type=sa.JSON(), nullable=True)
        batch_op.create_index(batch_op.f('ix_claims_incident_id'), ['incident_id'], unique=False)
        batch_op.create_foreign_key('fk_claims_incident_id_incidents', 'incidents', ['incident_id'], ['id'])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_constraint('fk_claims_incident_id_incidents', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_claims_incident_id'))
        batch_op.alter_column('adjudication', existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column('description')
        batch_op.drop_column('incident_id')
