"""billing: fee schedules with their rates, the ledger of payments and charges

Revision ID: a7a1c0de0006
Revises: f6d4c0de0005
Create Date: 2026-11-24 02:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7a1c0de0006'
down_revision = 'f6d4c0de0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('billing_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_billing_schedules_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_schedules')),
    sa.UniqueConstraint('effective_from', name=op.f('uq_billing_schedules_effective_from'))
    )
    op.create_table('billing_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('source_type', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('part', sa.String(length=30), nullable=False),
    sa.Column('payee', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['corrects_id'], ['billing_ledger.id'], name=op.f('fk_billing_ledger_corrects_id_billing_ledger')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_billing_ledger_created_by_id_users')),
    sa.ForeignKeyConstraint(['library_id'], ['libraries.id'], name=op.f('fk_billing_ledger_library_id_libraries')),
    sa.ForeignKeyConstraint(['schedule_id'], ['billing_schedules.id'], name=op.f('fk_billing_ledger_schedule_id_billing_schedules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_ledger')),
    sa.UniqueConstraint('source_type', 'source_id', 'rule', 'part', 'revision', name='uq_billing_ledger_source')
    )
    with op.batch_alter_table('billing_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_billing_ledger_library_year', ['library_id', 'year'], unique=False)

    op.create_table('billing_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('schedule_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=60), nullable=False),
    sa.Column('part', sa.String(length=30), nullable=False),
    sa.Column('payee', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['schedule_id'], ['billing_schedules.id'], name=op.f('fk_billing_rates_schedule_id_billing_schedules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_rates')),
    sa.UniqueConstraint('schedule_id', 'rule', 'part', name=op.f('uq_billing_rates_schedule_id'))
    )
    with op.batch_alter_table('billing_rates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_rates_schedule_id'), ['schedule_id'], unique=False)



def downgrade():
    with op.batch_alter_table('billing_rates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_rates_schedule_id'))

    op.drop_table('billing_rates')
    with op.batch_alter_table('billing_ledger', schema=None) as batch_op:
        batch_op.drop_index('ix_billing_ledger_library_year')

    op.drop_table('billing_ledger')
    op.drop_table('billing_schedules')
