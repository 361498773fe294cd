"""`flask --app wsgi catalog …`: bulk import, streaming export, rebuilding the index."""
import os
import sys

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app.extensions import db
from app.marc.io import FORMATS, MarcReadError, MarcWriteError, MarcWriter

from .indexing import from_json, reindex
from .load_indexes import CHOICES, deferred, pending, restore, should_defer
from .models import Record
from .search import QueryError, backend
from .search.cql import parse as parse_cql


def _fail(message: str, code: int = 2):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@click.group("catalog", help="The union catalogue: import, export, reindex.")
def catalog_group():
    pass


@catalog_group.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: detected per file.")
@click.option("--encoding", help="Character set, e.g. utf-8, marc-8, gb18030. Default: detected.")
@click.option("--library", "library_code", help="Add holdings of this member library (its code).")
@click.option("--batch-size", type=click.IntRange(min=1), help="Records per transaction (default: 2,000).")
@click.option("--cache-mb", type=click.IntRange(min=2), help="SQLite: the page cache of the load, in MB "
              "(default: 256; more is faster on a large catalogue, less spares a small server's memory).")
@click.option("--workers", type=int, help="Processes preparing ISO 2709 records (default: one per core, "
              "at most 4; 1 = no worker processes).")
@click.option("--indexes", type=click.Choice(CHOICES), default="auto", show_default=True,
              help="defer: set aside the indexes that take keys in random order and build them once "
                   "at the end (much faster for a large load; searches are slower meanwhile); keep: "
                   "update them record by record; auto: defer for a load of at least 50,000 records "
                   "and at least the catalogue's size.")
@click.option("--rejects", "reject_path", type=click.Path(dir_okay=False),
              help="Where to write rejected records with their reasons (JSON lines). "
                   "Default: <name of the first file>.rejects.jsonl in the current directory")
@with_appcontext
def import_cmd(files, fmt, encoding, library_code, batch_size, cache_mb, workers, indexes, reject_path):
    """Load MARC FILES into the catalogue. Safe to run again: nothing is added twice."""
    from app.members.models import Library

    from .importing import ANALYZE_AFTER, Importer, refresh_statistics

    library = None
    if library_code:
        library = db.session.scalar(sa.select(Library).where(Library.code == library_code.upper()))
        if library is None:
            _fail(f"no member library with code {library_code}")
    for path in files:
        if not os.path.isfile(path):
            _fail(f"{path}: no such file")
    reject_path = reject_path or os.path.basename(files[0]) + ".rejects.jsonl"
    _restore_leftovers()
    defer = should_defer(indexes, sum(os.path.getsize(p) for p in files))
    with open(reject_path, "w", encoding="utf-8") as rejects, deferred(defer, _building) as set_aside:
        if set_aside:
            click.echo(f"indexes set aside until the load ends: {', '.join(set_aside)}", err=True)
        importer = Importer(library_id=getattr(library, "id", None), batch_size=batch_size, reject_file=rejects,
                            workers=workers, cache_mb=cache_mb)
        importer.analyze = not set_aside
        importer.relinking = lambda n: click.echo(f"linking the names of {n} earlier records to the new authority "
                                                  "headings", err=True)
        for path in files:
            size = os.path.getsize(path)
            with click.progressbar(length=size, label=os.path.basename(path), file=sys.stderr) as bar:
                importer.progress = bar.update
                try:
                    importer.run(path, format=fmt, encoding=encoding)
                except MarcReadError as exc:
                    _fail(f"{path}: {exc.en}")
                bar.update(size)
    if set_aside:  # a load at least the catalogue's size: its full-text index in one piece again
        click.echo("merging the full-text index", err=True)
        backend().compact()
    if set_aside and importer.stats.added >= ANALYZE_AFTER:
        refresh_statistics()
    s = importer.stats
    click.echo(f"read {s.read}, added {s.added}, updated {s.updated}, unchanged {s.unchanged}, "
               f"rejected {s.rejected}, holdings {s.holdings} in {s.seconds:.1f}s ({s.rate:.0f} records/s)")
    if s.rejected:
        click.echo(f"rejected records and reasons: {reject_path}")
    elif os.path.getsize(reject_path) == 0:
        os.remove(reject_path)


@catalog_group.command("export")
@click.option("--query", help="CQL, e.g. 'dc.title = 编目 and dc.date > 2000'. Default: everything.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="iso2709", show_default=True)
@click.option("--encoding", default="utf-8", show_default=True)
@click.option("--output", "-o", default="-", help="File to write; - for standard output.")
@click.option("--include-inactive", is_flag=True, help="Also records under review, rejected or merged.")
@with_appcontext
def export_cmd(query, fmt, encoding, output, include_inactive):
    """Stream records out in batches; memory does not grow with the catalogue."""
    where = sa.true() if include_inactive else Record.status == "active"
    if query:
        try:
            node = parse_cql(query)
            ids = backend().condition(node)
        except QueryError as exc:
            _fail(f"bad query: {exc}")
        where = sa.and_(where, ids)
    out = sys.stdout.buffer if output == "-" else open(output, "wb")
    count, last = 0, 0
    try:
        with MarcWriter(out, fmt, encoding) as writer:
            while True:
                rows = db.session.execute(sa.select(Record.id, Record.marc).where(where, Record.id > last)
                                          .order_by(Record.id).limit(1000)).all()
                if not rows:
                    break
                for rid, marc in rows:
                    writer.write(from_json(marc))
                    count += 1
                last = rows[-1][0]
    except MarcWriteError as exc:
        _fail(f"record {last}: {exc.en}")
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    click.echo(f"exported {count} records", err=True)


def _building(name: str) -> None:
    click.echo(f"building index {name}", err=True)


def _restore_leftovers() -> None:
    """Indexes a load killed outright left set aside (load_indexes): built before anything else."""
    for name in restore(progress=_building):
        click.echo(f"built index {name}, left set aside by a load that did not finish", err=True)
    for row in pending():
        click.echo(f"warning: index {row.name} is set aside by a load still running ({row.owner}); "
                   f"if it is not, run `catalog restore-indexes --force`", err=True)


@catalog_group.command("restore-indexes")
@click.option("--force", is_flag=True, help="Also those of loads that seem to run (on another host, say).")
@with_appcontext
def restore_indexes_cmd(force):
    """Build the indexes a bulk load set aside and did not build again (it was killed)."""
    built = restore(force=force, progress=_building)
    left = pending()
    click.echo(f"built {len(built)} index(es)" + (f"; {len(left)} still set aside by a running load "
                                                 f"({', '.join(sorted({r.owner for r in left}))})" if left else ""))


@catalog_group.command("reindex")
@click.option("--batch-size", default=1000, show_default=True)
@with_appcontext
def reindex_cmd(batch_size):
    """Rebuild every derived column and the full-text index from the stored MARC."""
    _restore_leftovers()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Record))
    with click.progressbar(length=total, label="reindex", file=sys.stderr) as bar:
        done = reindex(batch=batch_size, progress=bar.update)
    backend().compact()
    click.echo(f"reindexed {done} records")
