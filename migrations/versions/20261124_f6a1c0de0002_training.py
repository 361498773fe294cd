"""training: sessions, registrations, the session a training certificate came from

Revision ID: f6a1c0de0002
Revises: e5a0c0de0001
Create Date: 2026-11-24 02:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "f6a1c0de0002"
down_revision = "e5a0c0de0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title_zh", sa.String(length=200), nullable=False),
        sa.Column("title_en", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("city", sa.String(length=60), nullable=True),
        sa.Column("venue", sa.String(length=300), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("registration_closes_at", sa.DateTime(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_training_sessions_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
    )
    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_training_sessions_status_starts", ["status", "starts_on"], unique=False)

    op.create_table(
        "training_registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("attendance_recorded_at", sa.DateTime(), nullable=True),
        sa.Column("attendance_recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["attendance_recorded_by_id"], ["users.id"],
                                name=op.f("fk_training_registrations_attendance_recorded_by_id_users")),
        sa.ForeignKeyConstraint(["library_id"], ["libraries.id"],
                                name=op.f("fk_training_registrations_library_id_libraries")),
        sa.ForeignKeyConstraint(["session_id"], ["training_sessions.id"],
                                name=op.f("fk_training_registrations_session_id_training_sessions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_training_registrations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_registrations")),
        sa.UniqueConstraint("session_id", "user_id", name=op.f("uq_training_registrations_session_id")),
    )
    with op.batch_alter_table("training_registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_registrations_library_id"), ["library_id"], unique=False)
        batch_op.create_index("ix_training_registrations_session_status", ["session_id", "status"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_training_registrations_user_id"), ["user_id"], unique=False)

    # The certificate's session. Not in batch mode: on SQLite that copies and drops the table, and
    # the drop fails while exam registrations point at certificates (foreign keys are on). SQLite
    # adds a nullable column with its REFERENCES clause in place.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE training_certificates ADD COLUMN session_id INTEGER "
                   "CONSTRAINT fk_training_certificates_session_id_training_sessions "
                   "REFERENCES training_sessions (id)")
    else:
        op.add_column("training_certificates", sa.Column("session_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_training_certificates_session_id_training_sessions"),
                              "training_certificates", "training_sessions", ["session_id"], ["id"])
    op.create_index(op.f("ix_training_certificates_session_id"), "training_certificates", ["session_id"],
                    unique=False)


def downgrade():
    op.drop_index(op.f("ix_training_certificates_session_id"), table_name="training_certificates")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops no column that carries a foreign key: the table is copied without it, with
        # the foreign-key checks paused (the copy drops a table that exam registrations point at).
        op.execute("PRAGMA foreign_keys=OFF")
        with op.batch_alter_table("training_certificates", schema=None, recreate="always") as batch_op:
            batch_op.drop_column("session_id")
        op.execute("PRAGMA foreign_keys=ON")
    else:
        op.drop_constraint(op.f("fk_training_certificates_session_id_training_sessions"),
                           "training_certificates", type_="foreignkey")
        op.drop_column("training_certificates", "session_id")

    with op.batch_alter_table("training_registrations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_registrations_user_id"))
        batch_op.drop_index("ix_training_registrations_session_status")
        batch_op.drop_index(batch_op.f("ix_training_registrations_library_id"))
    op.drop_table("training_registrations")

    with op.batch_alter_table("training_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_training_sessions_status_starts")
    op.drop_table("training_sessions")
