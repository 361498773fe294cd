"""certification: questions, rounds, attempts, certificates

The question bank with immutable versions; exam blueprints, rounds, sittings and registrations;
attempts with their frozen items; expert reviews and score changes; certificates (exam and
training); practice answers.

Revision ID: e5a0c0de0001
Revises: b6f2d1e30002
Create Date: 2026-11-24 01:52:50.490689

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a0c0de0001'
down_revision = 'b6f2d1e30002'
branch_labels = None
depends_on = None


def upgrade():

    op.create_table('exam_blueprints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_blueprints')),
    sa.UniqueConstraint('code', 'version', name=op.f('uq_exam_blueprints_code'))
    )
    op.create_table('exam_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('title_zh', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('blueprint_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('registration_opens_at', sa.DateTime(), nullable=False),
    sa.Column('registration_closes_at', sa.DateTime(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=True),
    sa.Column('results_release_at', sa.DateTime(), nullable=True),
    sa.Column('results_released_at', sa.DateTime(), nullable=True),
    sa.Column('results_released_by_id', sa.Integer(), nullable=True),
    sa.Column('certificate_valid_years', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['blueprint_id'], ['exam_blueprints.id'], name=op.f('fk_exam_rounds_blueprint_id_exam_blueprints')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_exam_rounds_created_by_id_users')),
    sa.ForeignKeyConstraint(['results_released_by_id'], ['users.id'], name=op.f('fk_exam_rounds_results_released_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_rounds')),
    sa.UniqueConstraint('code', name=op.f('uq_exam_rounds_code'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('language_group', sa.String(length=10), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('for_exam', sa.Boolean(), nullable=False),
    sa.Column('for_practice', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_questions_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions')),
    sa.UniqueConstraint('code', name=op.f('uq_questions_code'))
    )
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.create_index('ix_questions_pick', ['type', 'language_group', 'category'], unique=False)

    op.create_table('training_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.DateTime(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_training_certificates_issued_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_training_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_training_certificates_number'))
    )
    with op.batch_alter_table('training_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_certificates_user_id'), ['user_id'], unique=False)

    op.create_table('exam_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('basis', sa.String(length=30), nullable=False),
    sa.Column('training_certificate_id', sa.Integer(), nullable=True),
    sa.Column('request_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=True),
    sa.Column('total', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('section_results', sa.JSON(), nullable=False),
    sa.Column('result_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_exam_registrations_decided_by_id_users')),
    sa.ForeignKeyConstraint(['library_id'], ['libraries.id'], name=op.f('fk_exam_registrations_library_id_libraries')),
    sa.ForeignKeyConstraint(['round_id'], ['exam_rounds.id'], name=op.f('fk_exam_registrations_round_id_exam_rounds')),
    sa.ForeignKeyConstraint(['training_certificate_id'], ['training_certificates.id'], name=op.f('fk_exam_registrations_training_certificate_id_training_certificates')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_exam_registrations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_registrations')),
    sa.UniqueConstraint('round_id', 'user_id', name=op.f('uq_exam_registrations_round_id'))
    )
    with op.batch_alter_table('exam_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_registrations_library_id'), ['library_id'], unique=False)
        batch_op.create_index('ix_exam_registrations_round_status', ['round_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_exam_registrations_user_id'), ['user_id'], unique=False)

    op.create_table('exam_sittings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=10), nullable=False),
    sa.Column('opens_at', sa.DateTime(), nullable=False),
    sa.Column('closes_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['exam_rounds.id'], name=op.f('fk_exam_sittings_round_id_exam_rounds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_sittings'))
    )
    with op.batch_alter_table('exam_sittings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_sittings_round_id'), ['round_id'], unique=False)

    op.create_table('question_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('mime', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_assets_question_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_assets')),
    sa.UniqueConstraint('question_id', 'name', name=op.f('uq_question_assets_question_id'))
    )
    op.create_table('question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('key', sa.JSON(), nullable=False),
    sa.Column('points', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_question_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_versions_question_id_questions')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_question_versions_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_versions')),
    sa.UniqueConstraint('question_id', 'number', name=op.f('uq_question_versions_question_id'))
    )
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.create_index('ix_question_versions_status', ['status'], unique=False)

    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('verification_code', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['grant_id'], ['role_grants.id'], name=op.f('fk_certificates_grant_id_role_grants')),
    sa.ForeignKeyConstraint(['library_id'], ['libraries.id'], name=op.f('fk_certificates_library_id_libraries')),
    sa.ForeignKeyConstraint(['registration_id'], ['exam_registrations.id'], name=op.f('fk_certificates_registration_id_exam_registrations')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_certificates_registration_id')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_certificates_verification_code'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)

    op.create_table('exam_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('section', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('deadline', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submit_kind', sa.String(length=15), nullable=True),
    sa.Column('live_token', sa.String(length=32), nullable=False),
    sa.Column('live_since', sa.DateTime(), nullable=False),
    sa.Column('takeovers', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=7, scale=2), nullable=True),
    sa.Column('max_score', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('graded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['exam_registrations.id'], name=op.f('fk_exam_attempts_registration_id_exam_registrations')),
    sa.ForeignKeyConstraint(['sitting_id'], ['exam_sittings.id'], name=op.f('fk_exam_attempts_sitting_id_exam_sittings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_attempts')),
    sa.UniqueConstraint('registration_id', 'section', name=op.f('uq_exam_attempts_registration_id'))
    )
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_attempts_sitting_id'), ['sitting_id'], unique=False)
        batch_op.create_index('ix_exam_attempts_status_deadline', ['status', 'deadline'], unique=False)

    op.create_table('practice_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('max_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_versions.id'], name=op.f('fk_practice_answers_question_version_id_question_versions')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practice_answers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_answers'))
    )
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_answers_user_id'), ['user_id'], unique=False)

    op.create_table('exam_attempt_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('partial_credit', sa.String(length=20), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('save_seq', sa.Integer(), nullable=False),
    sa.Column('auto_score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('score', sa.Numeric(precision=6, scale=2), nullable=True),
    sa.Column('feedback', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['exam_attempts.id'], name=op.f('fk_exam_attempt_items_attempt_id_exam_attempts')),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_versions.id'], name=op.f('fk_exam_attempt_items_question_version_id_question_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_attempt_items')),
    sa.UniqueConstraint('attempt_id', 'position', name=op.f('uq_exam_attempt_items_attempt_id'))
    )
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_attempt_items_question_version_id'), ['question_version_id'], unique=False)

    op.create_table('exam_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('appeal_text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_exam_reviews_created_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['exam_attempt_items.id'], name=op.f('fk_exam_reviews_item_id_exam_attempt_items')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_exam_reviews_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_reviews'))
    )
    with op.batch_alter_table('exam_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_reviews_item_id'), ['item_id'], unique=False)
        batch_op.create_index('ix_exam_reviews_status', ['status'], unique=False)

    op.create_table('exam_score_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('old_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('new_score', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_exam_score_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['exam_attempt_items.id'], name=op.f('fk_exam_score_changes_item_id_exam_attempt_items')),
    sa.ForeignKeyConstraint(['review_id'], ['exam_reviews.id'], name=op.f('fk_exam_score_changes_review_id_exam_reviews')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exam_score_changes'))
    )
    with op.batch_alter_table('exam_score_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exam_score_changes_item_id'), ['item_id'], unique=False)




def downgrade():

    with op.batch_alter_table('exam_score_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_score_changes_item_id'))

    op.drop_table('exam_score_changes')
    with op.batch_alter_table('exam_reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_exam_reviews_status')
        batch_op.drop_index(batch_op.f('ix_exam_reviews_item_id'))

    op.drop_table('exam_reviews')
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_attempt_items_question_version_id'))

    op.drop_table('exam_attempt_items')
    with op.batch_alter_table('practice_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_answers_user_id'))

    op.drop_table('practice_answers')
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_exam_attempts_status_deadline')
        batch_op.drop_index(batch_op.f('ix_exam_attempts_sitting_id'))

    op.drop_table('exam_attempts')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))

    op.drop_table('certificates')
    with op.batch_alter_table('question_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_question_versions_status')

    op.drop_table('question_versions')
    op.drop_table('question_assets')
    with op.batch_alter_table('exam_sittings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_sittings_round_id'))

    op.drop_table('exam_sittings')
    with op.batch_alter_table('exam_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_registrations_user_id'))
        batch_op.drop_index('ix_exam_registrations_round_status')
        batch_op.drop_index(batch_op.f('ix_exam_registrations_library_id'))

    op.drop_table('exam_registrations')
    with op.batch_alter_table('training_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_certificates_user_id'))

    op.drop_table('training_certificates')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_index('ix_questions_pick')

    op.drop_table('questions')
    op.drop_table('exam_rounds')
    op.drop_table('exam_blueprints')

