"""volunteer handoff (issue 7): handoffs, events, offers, photos, ratings, reports, blocks,
volunteer profiles and presence

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 15:45:43.290646
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('handoff_blocks',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('blocked_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_handoff_blocks_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['blocked_id'], ['accounts.id'], name=op.f('fk_handoff_blocks_blocked_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_blocks')),
    sa.UniqueConstraint('account_id', 'blocked_id', name='uq_handoff_blocks_account_id_blocked_id')
    )
    with op.batch_alter_table('handoff_blocks', schema=None) as batch_op:
        batch_op.create_index('ix_handoff_blocks_blocked', ['blocked_id'], unique=False)

    op.create_table('volunteer_presence',
    sa.Column('socket_id', sa.String(length=36), nullable=False),
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('process_id', sa.String(length=36), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('languages', sa.String(length=64), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_volunteer_presence_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('socket_id', name=op.f('pk_volunteer_presence'))
    )
    with op.batch_alter_table('volunteer_presence', schema=None) as batch_op:
        batch_op.create_index('ix_volunteer_presence_account', ['account_id'], unique=False)
        batch_op.create_index('ix_volunteer_presence_process', ['process_id'], unique=False)

    op.create_table('volunteer_profiles',
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('display_name', sa.String(length=80), nullable=False),
    sa.Column('languages', sa.String(length=64), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('quiet_start', sa.String(length=5), nullable=True),
    sa.Column('quiet_end', sa.String(length=5), nullable=True),
    sa.Column('suspended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_helped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_volunteer_profiles_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_volunteer_profiles'))
    )
    op.create_table('handoffs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('volunteer_id', sa.String(length=36), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('description_id', sa.String(length=36), nullable=True),
    sa.Column('has_photo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['description_id'], ['descriptions.id'], name=op.f('fk_handoffs_description_id_descriptions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['accounts.id'], name=op.f('fk_handoffs_user_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['accounts.id'], name=op.f('fk_handoffs_volunteer_id_accounts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoffs'))
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index('ix_handoffs_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index('ix_handoffs_user_state', ['user_id', 'state'], unique=False)
        batch_op.create_index('ix_handoffs_volunteer_state', ['volunteer_id', 'state'], unique=False)
        batch_op.create_index('uq_handoffs_open_user', ['user_id'], unique=True,
                              postgresql_where=sa.text("state IN ('ringing', 'active')"),
                              sqlite_where=sa.text("state IN ('ringing', 'active')"))
        batch_op.create_index('uq_handoffs_active_volunteer', ['volunteer_id'], unique=True,
                              postgresql_where=sa.text("state = 'active'"),
                              sqlite_where=sa.text("state = 'active'"))

    op.create_table('handoff_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('handoff_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('sender_role', sa.String(length=16), nullable=True),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_events_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_events')),
    sa.UniqueConstraint('handoff_id', 'client_id', name='uq_handoff_events_handoff_id_client_id'),
    sa.UniqueConstraint('handoff_id', 'seq', name='uq_handoff_events_handoff_id_seq')
    )
    op.create_table('handoff_offers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('handoff_id', sa.String(length=36), nullable=False),
    sa.Column('volunteer_id', sa.String(length=36), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_offers_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['accounts.id'], name=op.f('fk_handoff_offers_volunteer_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_offers')),
    sa.UniqueConstraint('handoff_id', 'volunteer_id', name='uq_handoff_offers_handoff_id_volunteer_id')
    )
    with op.batch_alter_table('handoff_offers', schema=None) as batch_op:
        batch_op.create_index('ix_handoff_offers_state_expires', ['state', 'expires_at'], unique=False)

    op.create_table('handoff_photos',
    sa.Column('handoff_id', sa.String(length=36), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_photos_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('handoff_id', name=op.f('pk_handoff_photos'))
    )
    op.create_table('handoff_ratings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('handoff_id', sa.String(length=36), nullable=False),
    sa.Column('rater_id', sa.String(length=36), nullable=False),
    sa.Column('rating', sa.String(length=16), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_ratings_handoff_id_handoffs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rater_id'], ['accounts.id'], name=op.f('fk_handoff_ratings_rater_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_ratings')),
    sa.UniqueConstraint('handoff_id', 'rater_id', name='uq_handoff_ratings_handoff_id_rater_id')
    )
    op.create_table('handoff_reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('reporter_id', sa.String(length=36), nullable=False),
    sa.Column('reported_id', sa.String(length=36), nullable=False),
    sa.Column('handoff_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'], name=op.f('fk_handoff_reports_handoff_id_handoffs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reported_id'], ['accounts.id'], name=op.f('fk_handoff_reports_reported_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['accounts.id'], name=op.f('fk_handoff_reports_reporter_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_reports')),
    sa.UniqueConstraint('reporter_id', 'reported_id', name='uq_handoff_reports_reporter_id_reported_id')
    )
    with op.batch_alter_table('handoff_reports', schema=None) as batch_op:
        batch_op.create_index('ix_handoff_reports_reported', ['reported_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('handoff_reports', schema=None) as batch_op:
        batch_op.drop_index('ix_handoff_reports_reported')

    op.drop_table('handoff_reports')
    op.drop_table('handoff_ratings')
    op.drop_table('handoff_photos')
    with op.batch_alter_table('handoff_offers', schema=None) as batch_op:
        batch_op.drop_index('ix_handoff_offers_state_expires')

    op.drop_table('handoff_offers')
    op.drop_table('handoff_events')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index('uq_handoffs_active_volunteer')
        batch_op.drop_index('uq_handoffs_open_user')
        batch_op.drop_index('ix_handoffs_volunteer_state')
        batch_op.drop_index('ix_handoffs_user_state')
        batch_op.drop_index('ix_handoffs_state_created')

    op.drop_table('handoffs')
    op.drop_table('volunteer_profiles')
    with op.batch_alter_table('volunteer_presence', schema=None) as batch_op:
        batch_op.drop_index('ix_volunteer_presence_process')
        batch_op.drop_index('ix_volunteer_presence_account')

    op.drop_table('volunteer_presence')
    with op.batch_alter_table('handoff_blocks', schema=None) as batch_op:
        batch_op.drop_index('ix_handoff_blocks_blocked')

    op.drop_table('handoff_blocks')
