"""The underwriter's referrals and subjectivities; a policy bound from a quote keeps its option, premium, technical
premium, segment and the profile version it was rated on.

Existing data is carried over: every referred option of a stored quote opens a referral (as a new quote does), and
a policy bound from a quote gets its option's figures (the option whose issued terms carry the policy's number).

Revision ID: 0005
Revises: 0004
"""

import json
import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: str | Sequence[str] | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('referrals',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('quote_id', sa.String(length=32), nullable=False),
    sa.Column('option', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('conditions', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('question', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('policy_id', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('carrier_id', sa.String(length=32), nullable=False),
    sa.Column('brokerage_id', sa.String(length=32), nullable=True),
    sa.Column('practice_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['practice_id'], ['organisations.id'], ),
    sa.ForeignKeyConstraint(['quote_id'], ['quotes.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('quote_id', 'option')
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index('ix_referrals_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_brokerage_id'), ['brokerage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_carrier_id'), ['carrier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_practice_id'), ['practice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_quote_id'), ['quote_id'], unique=False)

    op.create_table('subjectivities',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('policy_id', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('control', sa.String(length=64), nullable=True),
    sa.Column('due', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('met_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('met_by', sa.String(length=32), nullable=True),
    sa.Column('carrier_id', sa.String(length=32), nullable=False),
    sa.Column('brokerage_id', sa.String(length=32), nullable=True),
    sa.Column('practice_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['policies.id'], ),
    sa.ForeignKeyConstraint(['practice_id'], ['organisations.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('subjectivities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subjectivities_brokerage_id'), ['brokerage_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subjectivities_carrier_id'), ['carrier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subjectivities_due'), ['due'], unique=False)
        batch_op.create_index(batch_op.f('ix_subjectivities_policy_id'), ['policy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subjectivities_practice_id'), ['practice_id'], unique=False)

    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote_option', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('premium', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('technical_premium', sa.Numeric(precision=14, scale=2), nullable=True))
        batch_op.add_column(sa.Column('segment', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('profile_version_id', sa.String(length=32), nullable=True))

    _carry_over(op.get_bind())


def _doc(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _carry_over(conn: sa.Connection) -> None:
    """Referrals for the referred options of stored quotes; bound policies' option figures."""
    quotes = sa.table('quotes', sa.column('id'), sa.column('result'), sa.column('created_at'),
                      sa.column('carrier_id'), sa.column('brokerage_id'), sa.column('practice_id'),
                      sa.column('profile_version_id'))
    referrals = sa.table('referrals', sa.column('id'), sa.column('quote_id'), sa.column('option'),
                         sa.column('status'), sa.column('created_at'), sa.column('carrier_id'),
                         sa.column('brokerage_id'), sa.column('practice_id'))
    policies = sa.table('policies', sa.column('id'), sa.column('policy_number'), sa.column('quote_id'),
                        sa.column('quote_option'), sa.column('premium'), sa.column('technical_premium'),
                        sa.column('segment'), sa.column('profile_version_id'))
    bound = {(r.quote_id, r.policy_number): r.id
             for r in conn.execute(sa.select(policies.c.id, policies.c.quote_id, policies.c.policy_number)
                                   .where(policies.c.quote_id.is_not(None)))}
    for q in conn.execute(sa.select(quotes)):
        result = _doc(q.result) or {}
        for i, option in enumerate(result.get('options', [])):
            number = (option.get('policy_terms') or {}).get('policy_number')
            policy_id = bound.get((q.id, number))
            if policy_id is not None:
                conn.execute(policies.update().where(policies.c.id == policy_id).values(
                    quote_option=i, premium=option.get('premium'), technical_premium=option.get('technical_premium'),
                    segment=result.get('segment'), profile_version_id=q.profile_version_id))
            if option.get('decision') == 'refer':
                conn.execute(referrals.insert().values(
                    id=secrets.token_hex(16), quote_id=q.id, option=i,
                    status='bound' if policy_id is not None else 'open', created_at=q.created_at,
                    carrier_id=q.carrier_id, brokerage_id=q.brokerage_id, practice_id=q.practice_id))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('policies', schema=None) as batch_op:
        batch_op.drop_column('profile_version_id')
        batch_op.drop_column('segment')
        batch_op.drop_column('technical_premium')
        batch_op.drop_column('premium')
        batch_op.drop_column('quote_option')

    with op.batch_alter_table('subjectivities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subjectivities_practice_id'))
        batch_op.drop_index(batch_op.f('ix_subjectivities_policy_id'))
        batch_op.drop_index(batch_op.f('ix_subjectivities_due'))
        batch_op.drop_index(batch_op.f('ix_subjectivities_carrier_id'))
        batch_op.drop_index(batch_op.f('ix_subjectivities_brokerage_id'))

    op.drop_table('subjectivities')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_quote_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_practice_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_carrier_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_brokerage_id'))
        batch_op.drop_index('ix_referrals_status_created')

    op.drop_table('referrals')
