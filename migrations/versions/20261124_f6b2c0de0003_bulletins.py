"""bulletins: issues, sections, images, subscriptions

The centre's numbered bulletin: issues (numbered on publication), their Markdown sections, the
images they show (kept in the database) and the users subscribed to new issues.

Revision ID: f6b2c0de0003
Revises: f6a1c0de0002
Create Date: 2026-11-24 02:14:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6b2c0de0003'
down_revision = 'f6a1c0de0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bulletin_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_bulletin_subscriptions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_subscriptions')),
    sa.UniqueConstraint('user_id', name=op.f('uq_bulletin_subscriptions_user_id'))
    )
    op.create_table('bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('serial', sa.Integer(), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('returned_by_id', sa.Integer(), nullable=True),
    sa.Column('return_note', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bulletins_created_by_id_users')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_bulletins_published_by_id_users')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['users.id'], name=op.f('fk_bulletins_returned_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_bulletins_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletins')),
    sa.UniqueConstraint('serial', name=op.f('uq_bulletins_serial')),
    sa.UniqueConstraint('year', 'number', name=op.f('uq_bulletins_year'))
    )
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletins_status'), ['status'], unique=False)

    op.create_table('bulletin_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('mime', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletins.id'], name=op.f('fk_bulletin_images_bulletin_id_bulletins')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_bulletin_images_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_images')),
    sa.UniqueConstraint('bulletin_id', 'name', name=op.f('uq_bulletin_images_bulletin_id'))
    )
    op.create_table('bulletin_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bulletin_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bulletin_id'], ['bulletins.id'], name=op.f('fk_bulletin_sections_bulletin_id_bulletins')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin_sections'))
    )
    with op.batch_alter_table('bulletin_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bulletin_sections_bulletin_id'), ['bulletin_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bulletin_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletin_sections_bulletin_id'))

    op.drop_table('bulletin_sections')
    op.drop_table('bulletin_images')
    with op.batch_alter_table('bulletins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bulletins_status'))

    op.drop_table('bulletins')
    op.drop_table('bulletin_subscriptions')
