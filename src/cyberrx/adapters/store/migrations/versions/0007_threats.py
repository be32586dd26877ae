"""Threat intelligence (issue 15): imported feeds and each import, alerts per practice with acknowledgement and
reminders, and the mail outbox.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: str | Sequence[str] | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'threat_feeds',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('version', sa.String(length=200), nullable=False),
        sa.Column('released', sa.String(length=64), nullable=True),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('entries', sa.JSON(), nullable=False),
        sa.Column('entry_count', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('imported_by', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('digest'),
    )
    op.create_index('ix_threat_feeds_imported_at', 'threat_feeds', ['imported_at'])
    op.create_table(
        'threat_imports',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('feed_id', sa.String(length=32), nullable=False),
        sa.Column('new', sa.Boolean(), nullable=False),
        sa.Column('source', sa.String(length=500), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('by', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['feed_id'], ['threat_feeds.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_threat_imports_feed_id', 'threat_imports', ['feed_id'])
    op.create_table(
        'threat_alerts',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('carrier_id', sa.String(length=32), nullable=False),
        sa.Column('brokerage_id', sa.String(length=32), nullable=True),
        sa.Column('practice_id', sa.String(length=32), nullable=False),
        sa.Column('feed_id', sa.String(length=32), nullable=True),
        sa.Column('cve', sa.String(length=32), nullable=False),
        sa.Column('product', sa.String(length=64), nullable=False),
        sa.Column('urgent', sa.Boolean(), nullable=False),
        sa.Column('finding', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=32), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminders', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['practice_id'], ['organisations.id']),
        sa.ForeignKeyConstraint(['feed_id'], ['threat_feeds.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('practice_id', 'cve', 'product'),
    )
    op.create_index('ix_threat_alerts_carrier_id', 'threat_alerts', ['carrier_id'])
    op.create_index('ix_threat_alerts_brokerage_id', 'threat_alerts', ['brokerage_id'])
    op.create_index('ix_threat_alerts_practice_id', 'threat_alerts', ['practice_id'])
    op.create_index('ix_threat_alerts_created_at', 'threat_alerts', ['created_at'])
    op.create_table(
        'outbox',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('carrier_id', sa.String(length=32), nullable=True),
        sa.Column('alert_id', sa.String(length=32), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['alert_id'], ['threat_alerts.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outbox_carrier_id', 'outbox', ['carrier_id'])
    op.create_index('ix_outbox_unsent', 'outbox', ['sent_at'])
    op.create_index('ix_outbox_to_address', 'outbox', ['to_address'])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('outbox')
    op.drop_table('threat_alerts')
    op.drop_table('threat_imports')
    op.drop_table('threat_feeds')
