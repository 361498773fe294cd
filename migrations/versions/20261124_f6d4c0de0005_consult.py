"""consultation desk: questions, their messages and attachments, the duty roster, absences, the FAQ

Revision ID: f6d4c0de0005
Revises: f6c3c0de0004
Create Date: 2026-11-24 02:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f6d4c0de0005'
down_revision = 'f6c3c0de0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consult_absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consult_absences_created_by_id_users')),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_consult_absences_expert_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consult_absences'))
    )
    with op.batch_alter_table('consult_absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_absences_expert_id'), ['expert_id'], unique=False)

    op.create_table('consult_roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('is_lead', sa.Boolean(), nullable=False),
    sa.Column('expert_id', sa.Integer(), nullable=False),
    sa.Column('substitute_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['expert_id'], ['users.id'], name=op.f('fk_consult_roster_expert_id_users')),
    sa.ForeignKeyConstraint(['substitute_id'], ['users.id'], name=op.f('fk_consult_roster_substitute_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consult_roster')),
    sa.UniqueConstraint('week_start', 'category', 'is_lead', name=op.f('uq_consult_roster_week_start'))
    )
    with op.batch_alter_table('consult_roster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_roster_week_start'), ['week_start'], unique=False)

    op.create_table('consult_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('asker_id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('language_group', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('marc_text', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('waiting_since', sa.DateTime(), nullable=True),
    sa.Column('escalated_at', sa.DateTime(), nullable=True),
    sa.Column('escalated_from_id', sa.Integer(), nullable=True),
    sa.Column('first_answered_at', sa.DateTime(), nullable=True),
    sa.Column('first_answer_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['asker_id'], ['users.id'], name=op.f('fk_consult_questions_asker_id_users')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_consult_questions_assignee_id_users')),
    sa.ForeignKeyConstraint(['escalated_from_id'], ['users.id'], name=op.f('fk_consult_questions_escalated_from_id_users')),
    sa.ForeignKeyConstraint(['first_answer_by_id'], ['users.id'], name=op.f('fk_consult_questions_first_answer_by_id_users')),
    sa.ForeignKeyConstraint(['library_id'], ['libraries.id'], name=op.f('fk_consult_questions_library_id_libraries')),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], name=op.f('fk_consult_questions_record_id_records')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consult_questions'))
    )
    with op.batch_alter_table('consult_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_questions_asker_id'), ['asker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consult_questions_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consult_questions_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_consult_questions_status'), ['status'], unique=False)

    op.create_table('consult_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['consult_questions.id'], name=op.f('fk_consult_attachments_question_id_consult_questions')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_consult_attachments_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consult_attachments'))
    )
    with op.batch_alter_table('consult_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_attachments_question_id'), ['question_id'], unique=False)

    op.create_table('consult_faq',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('language_group', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('answer_text', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_consult_faq_published_by_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['consult_questions.id'], name=op.f('fk_consult_faq_question_id_consult_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consult_faq')),
    sa.UniqueConstraint('question_id', name=op.f('uq_consult_faq_question_id'))
    )
    with op.batch_alter_table('consult_faq', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_faq_category'), ['category'], unique=False)

    op.create_table('consult_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_consult_messages_author_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['consult_questions.id'], name=op.f('fk_consult_messages_question_id_consult_questions')),
    sa.ForeignKeyConstraint(['target_id'], ['users.id'], name=op.f('fk_consult_messages_target_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consult_messages'))
    )
    with op.batch_alter_table('consult_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consult_messages_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('consult_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_messages_question_id'))

    op.drop_table('consult_messages')
    with op.batch_alter_table('consult_faq', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_faq_category'))

    op.drop_table('consult_faq')
    with op.batch_alter_table('consult_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_attachments_question_id'))

    op.drop_table('consult_attachments')
    with op.batch_alter_table('consult_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_questions_status'))
        batch_op.drop_index(batch_op.f('ix_consult_questions_category'))
        batch_op.drop_index(batch_op.f('ix_consult_questions_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_consult_questions_asker_id'))

    op.drop_table('consult_questions')
    with op.batch_alter_table('consult_roster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_roster_week_start'))

    op.drop_table('consult_roster')
    with op.batch_alter_table('consult_absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consult_absences_expert_id'))

    op.drop_table('consult_absences')
