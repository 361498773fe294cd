"""batch ISBN jobs and their files; indexes for the usage statistics

Revision ID: a7b2c0de0007
Revises: a7a1c0de0006
Create Date: 2026-11-24 03:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7b2c0de0007'
down_revision = 'a7a1c0de0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('batch_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('encoding', sa.String(length=12), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('duplicates', sa.Integer(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('unmatched', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['library_id'], ['libraries.id'], name=op.f('fk_batch_jobs_library_id_libraries')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_batch_jobs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_jobs'))
    )
    op.create_index('ix_batch_jobs_library_created', 'batch_jobs', ['library_id', 'created_at'], unique=False)
    op.create_index('ix_batch_jobs_status', 'batch_jobs', ['status'], unique=False)
    op.create_table('batch_job_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['batch_jobs.id'], name=op.f('fk_batch_job_files_job_id_batch_jobs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_job_files')),
    sa.UniqueConstraint('job_id', 'kind', name=op.f('uq_batch_job_files_job_id'))
    )
    # The statistics read the last months only (app/stats/models.py).
    op.create_index('ix_downloads_at', 'downloads', ['at'], unique=False)
    op.create_index('ix_records_uploaded', 'records', ['created_at'], unique=False,
                    postgresql_where=sa.text('library_id IS NOT NULL'), sqlite_where=sa.text('library_id IS NOT NULL'))


def downgrade():
    op.drop_index('ix_records_uploaded', table_name='records')
    op.drop_index('ix_downloads_at', table_name='downloads')
    op.drop_table('batch_job_files')
    op.drop_index('ix_batch_jobs_status', table_name='batch_jobs')
    op.drop_index('ix_batch_jobs_library_created', table_name='batch_jobs')
    op.drop_table('batch_jobs')
