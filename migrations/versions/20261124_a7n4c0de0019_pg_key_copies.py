"""PostgreSQL: the columns a search filters on, copied beside each record key

Revision ID: a7n4c0de0019
Revises: a7m3c0de0018
Create Date: 2026-11-24 20:00:00

A class number's beginning (K2*) is a range of the key index: 19,619 keys at a million records. Each
key's record was then looked up in ix_records_search to test the OPAC's filter (status, kind) and
read the year, database and material the facets and the date order need: 10,001 index probes of
4–5 µs, most of the search's time. With the record's status, kind, year, database and material
copied into its key rows, and included in the key index, the search reads the key index alone, as
record_search's copies (a7h8c0de0013) let a full-text search read its own rows alone.

Triggers keep the copies in step, as there: a new key row takes them from its record (unless the
importer wrote them: it knows them); a change to a record updates its keys. SQLite probes its own
B-tree in-process, cheaply, and needs nothing here.
"""
from alembic import op


revision = 'a7n4c0de0019'
down_revision = 'a7m3c0de0018'
branch_labels = None
depends_on = None

# records' column, its copy in record_keys (which has a `kind` of its own: the key's), its type
COPIES = (("status", "record_status", "varchar(20)"), ("kind", "record_kind", "varchar(20)"),
          ("year", "record_year", "integer"), ("database", "record_database", "varchar(20)"),
          ("material", "record_material", "varchar(20)"))
KEY_INDEX = "ix_record_keys_kind_value_record"


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE record_keys " + ", ".join(f"ADD COLUMN {copy} {t}" for _, copy, t in COPIES))
    op.execute("UPDATE record_keys k SET " + ", ".join(f"{copy} = r.{name}" for name, copy, _ in COPIES)
               + " FROM records r WHERE r.id = k.record_id")
    op.execute(f"DROP INDEX {KEY_INDEX}")
    op.execute(f"CREATE INDEX {KEY_INDEX} ON record_keys (kind, value, record_id) "
               f"INCLUDE ({', '.join(copy for _, copy, _ in COPIES)})")
    op.execute(f"""
        CREATE FUNCTION record_keys_from_record() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            SELECT {', '.join('r.' + name for name, _, _ in COPIES)}
            INTO {', '.join('NEW.' + copy for _, copy, _ in COPIES)}
            FROM records r WHERE r.id = NEW.record_id;
            RETURN NEW;
        END $$""")
    # The importer writes the copies with the keys it loads (PostgresBackend.key_rows), so the trigger
    # looks a record up only for other writers. (Whether that saves a load measurable time was not
    # established: the copies cost a load about a tenth, with or without the trigger's look-ups.)
    op.execute("CREATE TRIGGER record_keys_from_record BEFORE INSERT ON record_keys "
               "FOR EACH ROW WHEN (NEW.record_status IS NULL) EXECUTE FUNCTION record_keys_from_record()")
    op.execute("CREATE TRIGGER record_keys_moved BEFORE UPDATE OF record_id ON record_keys "
               "FOR EACH ROW EXECUTE FUNCTION record_keys_from_record()")
    op.execute(f"""
        CREATE FUNCTION record_to_record_keys() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE record_keys SET {', '.join(f'{copy} = NEW.{name}' for name, copy, _ in COPIES)}
            WHERE record_id = NEW.id;
            RETURN NULL;
        END $$""")
    names = [name for name, _, _ in COPIES]
    changed = " OR ".join(f"OLD.{n} IS DISTINCT FROM NEW.{n}" for n in names)
    op.execute(f"CREATE TRIGGER record_to_record_keys AFTER UPDATE OF {', '.join(names)} ON records "
               f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION record_to_record_keys()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER record_to_record_keys ON records")
    op.execute("DROP FUNCTION record_to_record_keys()")
    op.execute("DROP TRIGGER record_keys_moved ON record_keys")
    op.execute("DROP TRIGGER record_keys_from_record ON record_keys")
    op.execute("DROP FUNCTION record_keys_from_record()")
    op.execute(f"DROP INDEX {KEY_INDEX}")
    op.execute(f"CREATE INDEX {KEY_INDEX} ON record_keys (kind, value, record_id)")
    op.execute("ALTER TABLE record_keys " + ", ".join(f"DROP COLUMN {copy}" for _, copy, _ in COPIES))
