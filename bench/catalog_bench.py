"""Union catalogue benchmark: import rate, memory and search latency on one engine, at one stage.

    .venv/bin/python bench/catalog_build.py                                   # the input, once
    .venv/bin/python bench/catalog_bench.py --engine sqlite --stage 100k      # fresh DB, import 100k, search
    .venv/bin/python bench/catalog_bench.py --engine sqlite --stage 1m        # import the other 900k, search
    .venv/bin/python bench/catalog_bench.py --engine postgresql --stage 100k
    .venv/bin/python bench/catalog_bench.py --engine postgresql --stage 1m
    .venv/bin/python bench/catalog_bench.py --engine postgresql --stage 1m --indexes keep   # catalog import --indexes
    .venv/bin/python bench/catalog_bench.py --engine sqlite --stage 1m --search-only   # search again
    .venv/bin/python bench/catalog_bench.py --engine sqlite --stage 1m --search-only --before e516515 --repeat 3
                                         # before and after: the search code of a commit, taking turns

Stage 100k drops and recreates the benchmark database (SQLite: bench/data/union-bench.db;
PostgreSQL: database bianmu_bench on 127.0.0.1:5432, user postgres), migrates it with
`flask --app wsgi db upgrade`, and imports bench/data/union-1-100k.mrc; stage 1m imports
union-2-900k.mrc into the same database. Each import is `flask --app wsgi catalog import FILE
--workers N` in a subprocess, with its wall time, records/s, peak RSS (getrusage RUSAGE_CHILDREN) and
the RSS of its process tree sampled from /proc every second. Just before it, in the same run,
pymarc's parse-only rate over the first 100,000 records of the same file is measured: the yardstick.

Then holdings are added (synthetic: each record held by 1 to 6 of 600 member libraries in 31
regions, 2 on average, big libraries holding more), as the library and region facets need them, and
a fixed, seeded mix of 200 OPAC queries is run in process through the real interface: the OPAC
form's parser (catalog.views.queryform.parse) and backend().search(node, per_page=20, sort, facets,
base_filter=the OPAC's PUBLIC filter), with the OPAC's facets and without facets (which of the two
runs first alternates from query to query). One warm-up pass, then one measured pass; p50/p95/max
per query kind and overall; the time of each SQL statement is recorded too (count, page, each
facet), so the report says where the time goes. On PostgreSQL a large result's newest hits ("page")
may be read on a second connection while the count runs (newest_ahead): their times overlap, and the
statements of a search can add up to more than it took.

With --before REF the search package as it was at git REF is loaded beside the current one and both
answer every query, taking turns (which goes first alternates), so that a comparison is measured in
one process, against the same database, under the same load; the answers (total, page, facets) are
compared too. --repeat N: each query's time is the median of N measured runs. --no-search: import only.

Output: one JSON object per line on stdout (also appended to bench/out/catalog-<engine>.jsonl),
a readable summary on stderr; `catalog_bench.py report FILE…` turns such files into the Markdown
tables of docs/benchmarks.md. Timings are never asserted anywhere.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATA = REPO / "bench" / "data"
OUT = REPO / "bench" / "out"
FLASK = [str(REPO / ".venv" / "bin" / "flask"), "--app", "wsgi"]
FILES = {"100k": DATA / "union-1-100k.mrc", "1m": DATA / "union-2-900k.mrc"}
EXPECTED_BEFORE = {"100k": 0, "1m": 100_000}
SQLITE_PATH = DATA / "union-bench.db"
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_NAME = "bianmu_bench"


def _use_database(name: str) -> None:
    """--db-name: another database (a smoke test on a small file must not touch the real one)."""
    global SQLITE_PATH, PG_NAME
    SQLITE_PATH, PG_NAME = DATA / f"{name}.db", name
YARDSTICK_RECORDS = 100_000
SEED = 4
N_LIBRARIES, N_REGIONS = 600, 31
_SECRET = os.urandom(32).hex()


def emit(obj: dict) -> None:
    line = json.dumps(obj, ensure_ascii=False)
    print(line, flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / f"catalog-{obj.get('engine', 'any')}.jsonl", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def say(text: str = "") -> None:
    print(text, file=sys.stderr, flush=True)


# --- the database ------------------------------------------------------------------------------------------
def database_url(engine: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_NAME}"


def child_env(engine: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url(engine)
    env["SECRET_KEY"] = _SECRET  # a throw-away key; not debug mode, which would change what is measured
    env.pop("FLASK_DEBUG", None)
    return env


def fresh_database(engine: str) -> None:
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(SQLITE_PATH) + suffix).unlink(missing_ok=True)
    else:
        import sqlalchemy as sa

        admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{PG_NAME}" ENCODING \'UTF8\' TEMPLATE template0'))
        admin.dispose()
    subprocess.run([*FLASK, "db", "upgrade"], cwd=REPO, env=child_env(engine), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --- the yardstick ------------------------------------------------------------------------------------------
def pymarc_rate(path: Path, limit: int = YARDSTICK_RECORDS) -> dict:
    from pymarc import MARCReader

    start, cpu = time.perf_counter(), time.process_time()
    count = 0
    with open(path, "rb") as fh:
        for record in itertools.islice(MARCReader(fh, to_unicode=True, hide_utf8_warnings=True), limit):
            if record is not None:
                count += 1
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"records": count, "seconds": round(seconds, 2), "rate": round(count / seconds, 1),
            "cpu_seconds": round(cpu, 2), "loadavg_1m": os.getloadavg()[0]}


# --- memory of a process tree -------------------------------------------------------------------------------
def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(c) for c in fh.read().split()]
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def _file_pos(pid: int, path: Path) -> int | None:
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            if os.readlink(f"/proc/{pid}/fd/{fd}") == str(path.resolve()):  # the link resolved, as the kernel shows it
                with open(f"/proc/{pid}/fdinfo/{fd}") as fh:
                    return int(fh.readline().split()[1])
    except OSError:
        pass
    return None


class Sampler(threading.Thread):
    """Every second: seconds since start, RSS of the main process, of its whole tree, file position."""

    def __init__(self, pid: int, path: Path):
        super().__init__(daemon=True)
        self.pid, self.path, self.samples, self.stop = pid, path, [], threading.Event()
        self.start_time = time.perf_counter()

    def run(self):
        while not self.stop.wait(1.0):
            tree = _tree(self.pid)
            main = _rss_kb(self.pid)
            if not main:
                continue
            self.samples.append((time.perf_counter() - self.start_time, main, sum(_rss_kb(p) for p in tree),
                                 len(tree), _file_pos(self.pid, self.path)))


def rss_profile(samples, size: int) -> list[dict]:
    """RSS when the reader had got through about 10 %, 50 % and 100 % of the file."""
    out = []
    reading = [s for s in samples if s[4] is not None]
    for share in (0.1, 0.5, 1.0):
        chosen = next((s for s in reading if s[4] >= share * size * 0.999), None)
        if chosen is None and share == 1.0 and reading:  # the file was closed before the next sample
            chosen = reading[-1]
        if chosen is not None:
            out.append({"at": f"{int(share * 100)}%", "second": round(chosen[0]), "main_mb": round(chosen[1] / 1024),
                        "tree_mb": round(chosen[2] / 1024), "processes": chosen[3],
                        "file_pct": round(100 * chosen[4] / size, 1)})
    if samples and samples[-1] is not (reading[-1] if reading else None):
        last = samples[-1]  # after the file: the last batches, ANALYZE, with the workers gone
        out.append({"at": "end", "second": round(last[0]), "main_mb": round(last[1] / 1024),
                    "tree_mb": round(last[2] / 1024), "processes": last[3]})
    return out


def run_import(engine: str, path: Path, workers: int, indexes: str = "auto") -> dict:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    rejects = OUT / f"{engine}-{path.stem}.rejects.jsonl"
    cmd = [*FLASK, "catalog", "import", str(path), "--workers", str(workers), "--indexes", indexes,
           "--rejects", str(rejects)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=child_env(engine), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    sampler = Sampler(proc.pid, path)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"import failed ({proc.returncode}): {err[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    after, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu_before
    m = re.search(r"read (\d+), added (\d+), updated (\d+), unchanged (\d+), rejected (\d+).* in ([\d.]+)s", out)
    read, added, updated, unchanged, rejected = (int(m.group(i)) for i in range(1, 6))
    tree_peak = max((s[2] for s in sampler.samples), default=0)
    main_peak = max((s[1] for s in sampler.samples), default=0)
    return {"command": " ".join(["flask --app wsgi", *cmd[3:]]).replace(str(REPO) + "/", ""),
            "read": read, "added": added, "updated": updated, "unchanged": unchanged, "rejected": rejected,
            "importer_seconds": float(m.group(6)), "wall_seconds": round(wall, 1), "rate": round(read / wall, 1),
            "peak_rss_mb_getrusage_children": round(max(after, before) / 1024),
            "peak_rss_mb_main_sampled": round(main_peak / 1024), "peak_rss_mb_tree_sampled": round(tree_peak / 1024),
            "rss_profile": rss_profile(sampler.samples, path.stat().st_size),
            "input_mb": round(path.stat().st_size / 1e6, 1),
            "cpu_seconds_import_processes": round(cpu, 1), "loadavg_1m_at_end": os.getloadavg()[0]}


# --- in process: holdings and searches ------------------------------------------------------------------------
def make_app(engine: str):
    os.environ.update({k: v for k, v in child_env(engine).items() if k in ("DATABASE_URL", "SECRET_KEY")})
    os.environ.pop("FLASK_DEBUG", None)
    from app import create_app

    return create_app()


def add_holdings(seed: int = SEED) -> dict:
    """Member libraries in regions, and holdings of every record that has none yet (seeded)."""
    import sqlalchemy as sa

    from app.catalog.models import Holding, Record
    from app.catalog.search import backend
    from app.core.types import utcnow
    from app.extensions import db
    from app.members.models import Library, Region

    start = time.perf_counter()
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Region).where(Region.code.like("BR%"))):
        db.session.execute(sa.insert(Region), [{"code": f"BR{i:02d}", "name_zh": f"地区{i:02d}",
                                                "name_en": f"Region {i:02d}"} for i in range(N_REGIONS)])
        region_ids = db.session.scalars(sa.select(Region.id).where(Region.code.like("BR%")).order_by(Region.id)).all()
        db.session.execute(sa.insert(Library), [
            {"code": f"BL{i:04d}", "name_zh": f"成员馆{i:04d}", "type": "university", "region_id": region_ids[i % N_REGIONS],
             "contact_name": "bench", "contact_email": f"lib{i}@bench.invalid", "status": "active",
             "registered_at": utcnow()} for i in range(N_LIBRARIES)])
        db.session.commit()
    libraries = db.session.scalars(sa.select(Library.id).where(Library.code.like("BL%")).order_by(Library.id)).all()
    weights = [1 / (i + 1) ** 0.8 for i in range(len(libraries))]
    last = db.session.scalar(sa.select(sa.func.max(Holding.record_id))) or 0
    rng = random.Random(seed * 1_000_003 + last)
    added = 0
    while True:
        ids = db.session.scalars(sa.select(Record.id).where(Record.id > last, Record.kind == "bibliographic")
                                 .order_by(Record.id).limit(20_000)).all()
        if not ids:
            break
        rows, now = [], utcnow()
        for rid in ids:
            n = min(6, 1 + int(rng.expovariate(1.0)))
            for lib in set(rng.choices(libraries, weights, k=n)):
                rows.append({"record_id": rid, "library_id": lib, "copies": 1, "created_at": now})
        db.session.execute(sa.insert(Holding), rows)
        backend().index_holdings(ids)  # the records' holdings tokens, as the importer writes them
        db.session.commit()
        added += len(rows)
        last = ids[-1]
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        # The importer refreshes the planner's statistics after a large load; these holdings came after
        # it, where a real load brings them with the records (--library): count them too. Their
        # tokens were written as updates of the records' full-text rows, which a load with --library
        # writes with the rows: merge the segments those updates made, as such a load ends
        # (SearchBackend.compact).
        db.session.execute(sa.text("ANALYZE holdings"))
        db.session.commit()
        backend().compact()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Holding))
    return {"holdings_added": added, "holdings_total": total, "seconds": round(time.perf_counter() - start, 1)}


ZH1 = list("学中国史论文经法理新化电书教人技")  # one character: very common to fairly common
ZH2 = ["经济", "编目", "历史", "小说", "管理", "教育", "法律", "数据", "中医", "诗歌", "文献", "哲学", "翻译", "金融",
       "书法"]
CLC_PREFIXES = ["F12*", "TP3*", "TP311*", "I247*", "K2*", "G254*", "D92*", "R2*", "H31*", "B2*", "O1*", "G6*"]
EN_TRUNC = ["hist*", "econom*", "educat*", "politic*", "philosoph*", "scien*", "america*", "poem*", "relig*",
            "engine*", "medic*", "languag*"]
YEAR_RANGES = [(1990, 1995), (2000, 2010), (1950, 1959), (2015, 2016), (1980, 1984), (1899, 1905), (2010, 2024),
               (1960, 1970), (2001, 2001), (1920, 1929), (2005, 2006), (1970, 1979)]


def build_queries(seed: int = SEED, per_kind: int = 12) -> list[dict]:
    """The fixed query mix: OPAC form arguments, drawn from records of the first 100k (so that the
    same queries run at both stages) and from fixed lists. Seeded: the same on every run."""
    import sqlalchemy as sa

    from app.catalog.indexing import from_json
    from app.catalog.models import Record, RecordKey
    from app.extensions import db

    rng = random.Random(seed)
    sample_ids = rng.sample(range(1, 100_001), 3000)
    rows = db.session.execute(sa.select(Record.id, Record.database, Record.title, Record.author, Record.marc)
                              .where(Record.id.in_(sample_ids)).order_by(Record.id)).all()
    zh = [r for r in rows if r.database == "chinese"]
    west = [r for r in rows if r.database == "western"]
    rng.shuffle(zh)
    rng.shuffle(west)
    keys = db.session.execute(sa.select(RecordKey.record_id, Record.control_number, RecordKey.value)
                              .join(Record, Record.id == RecordKey.record_id)
                              .where(RecordKey.record_id.in_(sample_ids), RecordKey.kind == "isbn")
                              .order_by(RecordKey.record_id, RecordKey.value)).all()
    q: list[dict] = []

    def add(kind, args, sort=None):
        if sort:
            args = {**args, "sort": sort}
        q.append({"kind": kind, "args": args})

    def alt(i):  # every other text query newest-first, as readers do
        return "date" if i % 2 else None

    for i, ch in enumerate(ZH1[:per_kind]):
        add("zh_1char_keyword", {"i1": "keyword", "q1": ch}, alt(i))
    for i, w in enumerate(ZH2[:per_kind]):
        add("zh_2char_title", {"i1": "title", "q1": w}, alt(i))
    subs = []
    for r in zh:
        t = re.sub(r"[^\u4e00-\u9fff]", "", r.title)
        if len(t) >= 4:
            start = 0 if rng.random() < 0.6 else rng.randrange(len(t) - 3)
            subs.append(t[start:start + 4])
    for i, s in enumerate(list(dict.fromkeys(subs))[:per_kind]):
        add("zh_4char_title", {"i1": "title" if i % 3 else "keyword", "q1": s}, alt(i))
    words = []
    for r in west:
        ws = [w for w in re.findall(r"[A-Za-z]{5,}", r.title) if w.lower() not in ("their", "which", "about")]
        if ws:
            words.append(rng.choice(ws).lower())
    words = list(dict.fromkeys(words))
    for i, w in enumerate(words[:per_kind]):
        add("en_title_word", {"i1": "title", "q1": w}, alt(i))
    phrases = []
    for r in west:
        ws = re.findall(r"[A-Za-z]{4,}", r.title)
        if len(ws) >= 2:
            a = rng.randrange(len(ws) - 1)
            phrases.append(f"{ws[a]} {ws[a + 1]}".lower())
    for i, p in enumerate(list(dict.fromkeys(phrases))[:per_kind]):
        add("en_keyword_2words", {"i1": "keyword", "q1": p}, alt(i))
    for i, t in enumerate(EN_TRUNC[:per_kind]):
        add("en_truncation", {"i1": "title" if i % 2 else "keyword", "q1": t}, alt(i))
    authors = [r.author.split(",")[0] for r in west if r.author and "," in r.author]
    authors = list(dict.fromkeys(a for a in authors if len(a) > 2))
    full = [re.sub(r",? *\d{4}-(\d{4})?$", "", r.author) for r in west if r.author and "," in r.author]
    for i in range(min(per_kind, len(authors), len(full))):
        add("author_western", {"i1": "author", "q1": (authors if i % 2 else full)[i]}, alt(i))
    zh_names = []
    for r in zh:
        for f in from_json(r.marc).get_fields("701"):
            zh_names += f.get_subfields("a")
    for i, n in enumerate(list(dict.fromkeys(zh_names))[:per_kind]):
        add("author_chinese", {"i1": "author", "q1": n}, alt(i))
    isbn10, isbn13 = [], []
    for rid, control, value in keys:
        original = bool(control) and control.strip().isdigit()  # LoC's 001; the variations have bmw…
        if value.startswith("978") and not value.startswith("9787") and original:
            body = value[3:12]
            check = (11 - sum((10 - i) * int(d) for i, d in enumerate(body)) % 11) % 11
            isbn10.append(body + ("X" if check == 10 else str(check)))
        else:
            isbn13.append(value if not value.startswith("9787") else
                          f"{value[:3]}-{value[3]}-{value[4:8]}-{value[8:12]}-{value[12]}")
    for i in range(min(per_kind, len(isbn10))):
        add("isbn10", {"i1": "isbn", "q1": isbn10[i]})
    for i in range(min(per_kind, len(isbn13))):
        add("isbn13", {"i1": "isbn", "q1": isbn13[i]})
    for i, c in enumerate(CLC_PREFIXES[:per_kind]):
        add("clc_prefix", {"i1": "clc", "q1": c}, "date")
    for a, b in YEAR_RANGES[:per_kind]:
        add("year_range", {"year_from": str(a), "year_to": str(b)})
    combos = [
        {"i1": "keyword", "q1": "经济", "year_from": "2000", "year_to": "2010"},
        {"i1": "keyword", "q1": "history", "year_from": "1950", "year_to": "1960"},
        {"i1": "title", "q1": "经济", "b2": "not", "i2": "title", "q2": "中国"},
        {"i1": "title", "q1": "history", "b2": "and", "i2": "subject", "q2": "united states"},
        {"i1": "keyword", "q1": "研究", "database": "chinese", "material": "book"},
        {"i1": "keyword", "q1": "law", "b2": "or", "i2": "keyword", "q2": "法律"},
        {"i1": "title", "q1": "图书馆", "b2": "or", "i2": "title", "q2": "library"},
        {"i1": "author", "q1": (authors[per_kind] if len(authors) > per_kind else "Smith"), "b2": "or", "i2": "author",
         "q2": (authors[per_kind + 1] if len(authors) > per_kind + 1 else "Jones")},
        {"i1": "keyword", "q1": "中国", "b2": "and", "i2": "clc", "q2": "F*", "year_from": "1990"},
        {"i1": "title", "q1": "poems", "b2": "not", "i2": "keyword", "q2": "english"},
        {"i1": "subject", "q1": "中国文学", "b2": "and", "i2": "publisher", "q2": "人民文学出版社"},
        {"i1": "keyword", "q1": "science", "database": "western", "year_from": "1900", "year_to": "1950"},
    ]
    for i, c in enumerate(combos[:per_kind]):
        add("boolean_and_filters", c, alt(i))
    subjects = []
    for r in west:
        for f in from_json(r.marc).get_fields("650"):
            subjects += f.get_subfields("a")[:1]
    for i, s in enumerate(list(dict.fromkeys(s.rstrip(".") for s in subjects))[:per_kind - 4]):
        add("subject", {"i1": "subject", "q1": s}, alt(i))
    for i, s in enumerate(["图书馆学", "经济发展", "中国历史", "程序设计"]):
        add("subject", {"i1": "subject", "q1": s}, alt(i))
    for i, (lib, reg) in enumerate([("BL0000", None), ("BL0007", None), (None, "BR03"), (None, "BR17")]):
        args = {"i1": "keyword", "q1": ["学", "history", "中国", "new"][i]}
        if lib:
            args["library"] = lib
        else:
            args["region"] = reg
        add("holdings_filter", args, alt(i))
    return q


class StatementTimer:
    """Times every SQL statement on the engine, labelled by what it is for."""

    def __init__(self, engine):
        import sqlalchemy as sa

        from app.catalog.search.backend import SORT_LIMIT

        self.hits_limit = SORT_LIMIT + 1  # the hits' statement fetches this many; the newest hits fewer
        self.current: list[tuple[str, float]] | None = None
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.current is not None:
            name = label(statement)
            if name == "hits" and not _limits_at(parameters, self.hits_limit):
                name = "page"  # the newest hits of a large result, with the columns the hits carry
            if name == "page" and any(n == "page" for n, _ in self.current):
                name = "facet_sample"  # the first hits the facets are counted over
            self.current.append((name, time.perf_counter() - conn.info.pop("bench_t", time.perf_counter())))


def _limits_at(parameters, n: int) -> bool:
    """Whether the statement's parameters include `n` (its LIMIT is a parameter)."""
    values = parameters.values() if isinstance(parameters, dict) else parameters or ()
    return n in values


def label(sql: str) -> str:
    s = " ".join(sql.split()).lower().replace('"', "")
    if "from headings" in s:
        return "authority"
    if s.startswith("select count(*)"):
        return "count"
    for name, marker in (("library", "libraries.code"), ("region", "regions.code"), ("database", "records.database,"),
                         ("language", "records.language,"), ("material", "records.material,"), ("year", "records.year,")):
        if "group by" in s and s.startswith(f"select {marker.rstrip(',')}"):
            return "facet_" + name
    if s.startswith(("select records.id, records.year", "select record_search.record_id, record_search.year",
                     "select distinct record_keys.record_id, record_keys.record_year")):
        return "hits"  # the condition evaluated once: count, order, page and facet sample come from it
    if s.startswith("select holdings.record_id, libraries.code"):
        return "facet_holdings"  # the library and region facets of the sample
    if s.startswith(("select records.database", "select records.language", "select records.material",
                     "select records.year")):
        return "facet_columns"  # the sample's columns, where the hits did not carry them
    if "bm25(" in s or "ts_rank(" in s:
        return "rank"
    if s.startswith(("select records.id", "select record_search.record_id", "select distinct record_keys.record_id")):
        return "page"
    return "other"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def load_before(ref: str):
    """The search package (app/catalog/search) as it was at git `ref`, importable beside the current one
    as `search_before`, so that before and after run in one process against the same database."""
    import importlib.util
    import tempfile

    if Path(ref).is_dir():  # a copy of the package made beforehand (e.g. outside a git checkout)
        package = Path(ref)
    else:
        where = Path(tempfile.mkdtemp(prefix="search-before-"))
        archive = subprocess.run(["git", "archive", ref, "app/catalog/search"], cwd=REPO, capture_output=True,
                                 check=True)
        subprocess.run(["tar", "-x", "-C", str(where)], input=archive.stdout, check=True)
        package = where / "app" / "catalog" / "search"
    spec = importlib.util.spec_from_file_location("search_before", package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_before"] = module
    spec.loader.exec_module(module)
    return module


def _same_facet(a: list, b: list) -> bool:
    """The same counts, and the same values above the last count (which of several values with the
    last count made the cut is the database's choice)."""
    if [n for _, n in a] != [n for _, n in b]:
        return False
    last = a[-1][1] if a else 0
    return sorted(x for x in a if x[1] > last) == sorted(x for x in b if x[1] > last)


def _same(a, b) -> dict:
    return {"total": a.total == b.total, "ids": a.ids == b.ids, "sort": a.sort == b.sort,
            "facets": a.facets.keys() == b.facets.keys() and all(_same_facet(a.facets[k], b.facets[k])
                                                                  for k in a.facets)}


def run_searches(queries: list[dict], engine_name: str, stage: str, before=None, repeat: int = 1) -> dict:
    """`before`: another search package (load_before) run on every query too, taking turns with the
    current one (which goes first alternates), and its answers compared with the current ones."""
    from app.catalog import search as current
    from app.catalog.search import FACETS
    from app.catalog.views import queryform
    from app.catalog.views.opac import PUBLIC
    from app.extensions import db

    timer = StatementTimer(db.engine)
    parsed = []
    for q in queries:
        p = queryform.parse(q["args"])
        if not p.ok:
            raise SystemExit(f"query refused by the form: {q['args']} {p.errors}")
        parsed.append((q, p))

    def as_of(package, node):
        """The query in the package's own classes (the backends test isinstance)."""
        if node is None or package is current:
            return node
        if isinstance(node, current.Term):
            return package.Term(node.index, node.value, node.relation)
        if isinstance(node, current.Not):
            return package.Not(as_of(package, node.item))
        return getattr(package, type(node).__name__)(tuple(as_of(package, n) for n in node.items))

    def one(p, facets, package=current):
        db.session.rollback()  # each search is its own request: a fresh transaction
        node = as_of(package, p.node)
        start = time.perf_counter()
        result = package.backend().search(node, page=1, per_page=p.per_page, sort=p.sort, facets=facets,
                                          base_filter=PUBLIC)
        return (time.perf_counter() - start) * 1000, result

    def timed(p, package, plain_first=True):
        # Which of the two runs first alternates (plain_first): the first finds the query's pages in
        # the OS's cache only, and pays for copying them into the server's buffers (PostgreSQL's
        # default 128 MB hold far less than the 172 queries read), which the second then finds.
        # Always the search without facets first put that cost on it alone: at 1M on PostgreSQL its
        # p95 was 58.0 ms in one pass, 31.3 as the median of three (docs/benchmarks.md).
        if plain_first:
            ms_plain, res = one(p, (), package)
        timer.current = []
        ms_facets, res_f = one(p, FACETS, package)
        parts = {}
        for name, secs in timer.current:
            parts[name] = round(parts.get(name, 0) + secs * 1000, 2)
        timer.current = None
        if not plain_first:
            ms_plain, res = one(p, (), package)
        return ms_plain, res, ms_facets, res_f, parts

    from app.core.runtime import settle

    settle()  # as wsgi.py does once the application has started
    for _, p in parsed:  # warm-up pass
        for package in (current, before) if before else (current,):
            one(p, FACETS, package)
            one(p, (), package)
    rows = []
    for i, (q, p) in enumerate(parsed):
        runs, before_runs = [], []
        for rep in range(repeat):  # several measured passes: the median of each query's times
            plain_first = not (i // 2 + rep) % 2  # alternating independently of which code goes first
            if before is not None and (i + rep) % 2:
                before_runs.append(timed(p, before, plain_first))
            runs.append(timed(p, current, plain_first))
            if before is not None and not (i + rep) % 2:
                before_runs.append(timed(p, before, plain_first))
        ms_plain, ms_facets = statistics.median(r[0] for r in runs), statistics.median(r[2] for r in runs)
        _, res, _, res_f, parts = runs[-1]
        row = {"kind": q["kind"], "args": q["args"], "sort": p.sort, "sort_used": getattr(res, "sort", p.sort),
               "facets_sampled": getattr(res_f, "facets_sampled", False), "total": res.total,
               "ms": round(ms_plain, 2), "ms_facets": round(ms_facets, 2), "statements_ms": parts}
        if before is not None:
            b = before_runs[-1]
            row.update({"before_ms": round(statistics.median(r[0] for r in before_runs), 2),
                        "before_ms_facets": round(statistics.median(r[2] for r in before_runs), 2),
                        "before_statements_ms": b[4],
                        "same_as_before": {**_same(res, b[1]), "facets": _same(res_f, b[3])["facets"]}})
        rows.append(row)
    db.session.rollback()
    kinds = {}
    for kind in dict.fromkeys(r["kind"] for r in rows) | {"ALL": None}:
        sel = [r for r in rows if kind == "ALL" or r["kind"] == kind]
        plain = [r["ms"] for r in sel]
        withf = [r["ms_facets"] for r in sel]
        kinds[kind] = {"n": len(sel), "median_hits": int(statistics.median(r["total"] for r in sel)),
                       "unranked": sum(1 for r in sel if r["sort_used"] == "recent"),
                       "facets_sampled": sum(1 for r in sel if r["facets_sampled"]),
                       "p50": round(pct(plain, 50), 1), "p95": round(pct(plain, 95), 1), "max": round(max(plain), 1),
                       "facets_p50": round(pct(withf, 50), 1), "facets_p95": round(pct(withf, 95), 1),
                       "facets_max": round(max(withf), 1)}
        if before is not None:
            bp, bf = [r["before_ms"] for r in sel], [r["before_ms_facets"] for r in sel]
            kinds[kind].update({"before_p50": round(pct(bp, 50), 1), "before_p95": round(pct(bp, 95), 1),
                                "before_facets_p50": round(pct(bf, 50), 1), "before_facets_p95": round(pct(bf, 95), 1),
                                "same": {k: sum(1 for r in sel if r["same_as_before"][k])
                                         for k in ("total", "ids", "sort", "facets")}})
    where = {}
    names = ("authority", "hits", "count", "page", "rank", "facet_sample", "facet_database", "facet_language",
             "facet_material", "facet_year", "facet_library", "facet_region", "facet_columns", "facet_holdings", "other")
    for name in names:
        vals = [r["statements_ms"].get(name, 0.0) for r in rows]
        where[name] = {"p50": round(pct(vals, 50), 1), "p95": round(pct(vals, 95), 1), "max": round(max(vals), 1),
                       "sum": round(sum(vals))}
    out = {"queries": rows, "by_kind": kinds, "statements": where}
    if before is not None:
        out["statements_before"] = {}
        for name in names:
            vals = [r["before_statements_ms"].get(name, 0.0) for r in rows]
            out["statements_before"][name] = {"p50": round(pct(vals, 50), 1), "p95": round(pct(vals, 95), 1),
                                              "max": round(max(vals), 1), "sum": round(sum(vals))}
    return out


def opac_pages(queries: list[dict], n: int = 40) -> dict:
    """The whole OPAC page (parse, search with facets, items, holdings, template) for some queries."""
    from urllib.parse import urlencode

    from flask import current_app

    client = current_app.test_client()
    current_app.logger.disabled = True  # a broken page is reported below, once, not with a traceback per query
    chosen = queries[:: max(1, len(queries) // n)][:n]
    for q in chosen:  # warm-up
        client.get("/catalog/?" + urlencode(q["args"]))
    times, failed = [], {}
    for q in chosen:
        start = time.perf_counter()
        resp = client.get("/catalog/?" + urlencode(q["args"]))
        if resp.status_code != 200:
            failed[resp.status_code] = failed.get(resp.status_code, 0) + 1
            continue
        times.append((time.perf_counter() - start) * 1000)
    if not times:
        return {"n": 0, "failed": failed}
    return {"n": len(times), "p50": round(pct(times, 50), 1), "p95": round(pct(times, 95), 1),
            "max": round(max(times), 1), "failed": failed}


def db_facts(engine: str) -> dict:
    import sqlalchemy as sa

    from app.extensions import db

    facts = {"records": db.session.scalar(sa.text("SELECT count(*) FROM records")),
             "alembic": db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))}
    facts["by_database"] = dict(db.session.execute(sa.text("SELECT database, count(*) FROM records GROUP BY database")).all())
    if engine == "sqlite":
        size = sum(Path(str(SQLITE_PATH) + s).stat().st_size for s in ("", "-wal") if Path(str(SQLITE_PATH) + s).exists())
    else:
        size = db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
    facts["db_mb"] = round(size / 1e6)
    db.session.rollback()
    return facts


def code_version() -> dict:
    """Which application code is measured: the commit, files changed since, and a digest of app/ and
    migrations/ (so that a change of the code between two stages shows)."""
    import hashlib

    def git(*args):  # not stripped: a porcelain line begins with its status, a blank for "not staged"
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout

    digest = hashlib.sha256()
    for f in sorted(list((REPO / "app").rglob("*.py")) + list((REPO / "migrations").rglob("*.py"))):
        digest.update(str(f.relative_to(REPO)).encode() + f.read_bytes())
    changed = [line[3:] for line in git("status", "--porcelain", "app", "migrations").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "changed_files": changed,
            "code_digest": digest.hexdigest()[:12]}


def machine() -> dict:
    import sqlite3

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    mem = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    pg = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "SHOW server_version"],
                        capture_output=True, text=True).stdout.strip()
    return {"nproc": os.cpu_count(), "ram_gb": round(mem / 1024 / 1024, 1), "cpu": cpu,
            "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version, "postgresql": pg,
            "loadavg": os.getloadavg(), **code_version()}


def summary(engine: str, stage: str, imp: dict | None, yard: dict | None, search: dict, pages: dict | None,
            analyzed: bool = False) -> None:
    say(f"\n== {engine}, stage {stage}{' (after ANALYZE)' if analyzed else ''} ==")
    if imp:
        say(f"import {imp['read']:,} records ({imp['added']:,} added, {imp['rejected']} rejected) in "
            f"{imp['wall_seconds']:.0f} s wall: {imp['rate']:,.0f} records/s; pymarc parse-only {yard['rate']:,.0f}/s; "
            f"ratio {imp['rate'] / yard['rate']:.2f} (target >= 0.5)")
        say(f"peak RSS: main {imp['peak_rss_mb_main_sampled']} MB, tree {imp['peak_rss_mb_tree_sampled']} MB, "
            f"largest process (getrusage) {imp['peak_rss_mb_getrusage_children']} MB; profile: "
            + ", ".join(f"{p['at']}: {p['main_mb']}/{p['tree_mb']} MB" for p in imp["rss_profile"]))
    say(f"{'query kind':22s} {'n':>3s} {'hits':>8s} {'p50':>7s} {'p95':>7s} {'max':>7s} | with facets "
        f"{'p50':>7s} {'p95':>7s} {'max':>7s}  (ms)  unranked/sampled")
    for kind, k in search["by_kind"].items():
        say(f"{kind:22s} {k['n']:3d} {k['median_hits']:8d} {k['p50']:7.1f} {k['p95']:7.1f} {k['max']:7.1f} |"
            f"             {k['facets_p50']:7.1f} {k['facets_p95']:7.1f} {k['facets_max']:7.1f}"
            f"  {k['unranked']}/{k['facets_sampled']}")
    say("where the time goes (ms per search, with facets): " + ", ".join(
        f"{n} p50 {v['p50']} / p95 {v['p95']}" for n, v in search["statements"].items() if v["sum"]))
    if search.get("statements_before"):
        say("before: " + ", ".join(f"{n} p50 {v['p50']} / p95 {v['p95']}"
                                   for n, v in search["statements_before"].items() if v["sum"]))
        say(f"{'query kind':22s} before p50/p95, with facets p50/p95 -> now; same total/ids/sort/facets")
        for kind, k in search["by_kind"].items():
            same = k["same"]
            say(f"{kind:22s} {k['before_p50']:7.1f} {k['before_p95']:7.1f} {k['before_facets_p50']:7.1f} "
                f"{k['before_facets_p95']:7.1f} -> {k['p50']:7.1f} {k['p95']:7.1f} {k['facets_p50']:7.1f} "
                f"{k['facets_p95']:7.1f}   {same['total']}/{same['ids']}/{same['sort']}/{same['facets']} of {k['n']}")
    if pages and pages["n"]:
        say(f"whole OPAC page (test client, {pages['n']} queries): p50 {pages['p50']} ms, p95 {pages['p95']} ms, "
            f"max {pages['max']} ms")
    if pages and pages.get("failed"):
        say(f"OPAC pages that failed (status: count): {pages['failed']}")


KIND_LABELS = {
    "zh_1char_keyword": "Chinese keyword, 1 character", "zh_2char_title": "Chinese title, 2 characters",
    "zh_4char_title": "Chinese title/keyword, 4 characters", "en_title_word": "English title word",
    "en_keyword_2words": "English keyword, 2 words", "en_truncation": "English truncation (`hist*`)",
    "author_western": "Western author", "author_chinese": "Chinese author", "isbn10": "ISBN-10", "isbn13": "ISBN-13",
    "clc_prefix": "CLC prefix (`TP3*`)", "year_range": "year range only", "boolean_and_filters": "boolean, filters",
    "subject": "subject", "holdings_filter": "holding library / region", "ALL": "**all**",
}


def report(paths: list[str]) -> None:
    """Markdown tables (import; search per kind) from the JSON lines of one or more runs."""
    imports, searches = [], []
    for path in paths:
        for line in open(path, encoding="utf-8"):
            d = json.loads(line)
            if d["event"] == "import":
                imports.append(d)
            elif d["event"] == "search_summary":
                searches.append(d)
    print("| engine, stage | records | records/s | pymarc parse-only (same run) | ratio | CPU ms/record (import "
          "processes) | RSS main / all processes at 10 %, 50 %, 100 % of the file (MB) |")
    print("|---|---|---|---|---|---|---|")
    for d in imports:
        prof = "; ".join(f"{p['main_mb']}/{p['tree_mb']}" for p in d["rss_profile"] if p["at"] != "end")
        print(f"| {d['engine']}, {d['stage']} | {d['read']:,} | {d['rate']:,.0f} | {d['pymarc_rate']:,.0f} | "
              f"{d['ratio_to_pymarc']:.2f} | {1000 * d['cpu_seconds_import_processes'] / d['read']:.2f} | {prof} |")
    for d in searches:
        if d.get("before"):
            print(f"\n{d['engine']}, stage {d['stage']}, run {d['run']}: before (code at {d['before']}) and now, "
                  "taking turns on every query (ms; same = queries with the same total / page / facets):\n")
            print("| query kind | n | hits | p50 before | p95 before | p50 now | p95 now | p50 with facets before | "
                  "p95 with facets before | p50 with facets now | p95 with facets now | same |")
            print("|---|---|---|---|---|---|---|---|---|---|---|---|")
            for kind, k in d["by_kind"].items():
                same = f"{k['same']['total']} / {k['same']['ids']} / {k['same']['facets']}"
                print(f"| {KIND_LABELS.get(kind, kind)} | {k['n']} | {k['median_hits']:,} | {k['before_p50']} | "
                      f"{k['before_p95']} | {k['p50']} | {k['p95']} | {k['before_facets_p50']} | "
                      f"{k['before_facets_p95']} | {k['facets_p50']} | {k['facets_p95']} | {same} |")
            continue
        print(f"\n{d['engine']}, stage {d['stage']} (ms; hits = median; unranked = over 10,000 hits, shown "
              "newest first; sampled = facets over the first 1,000):\n")
        print("| query kind | n | hits | p50 | p95 | max | p50 with facets | p95 with facets | max with facets |"
              " unranked / sampled |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for kind, k in d["by_kind"].items():
            print(f"| {KIND_LABELS.get(kind, kind)} | {k['n']} | {k['median_hits']:,} | {k['p50']} | {k['p95']} | "
                  f"{k['max']} | {k['facets_p50']} | {k['facets_p95']} | {k['facets_max']} | "
                  f"{k.get('unranked', '')} / {k.get('facets_sampled', '')} |")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "report":  # catalog_bench.py report bench/out/run-*.jsonl
        report(argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--stage", choices=("100k", "1m"), required=True)
    parser.add_argument("--workers", type=int, default=2, help="importer worker processes (default 2)")
    parser.add_argument("--indexes", choices=("auto", "keep", "defer"), default="auto",
                        help="catalog import --indexes: the random-order indexes built at the end or kept up")
    parser.add_argument("--search-only", action="store_true", help="skip the import; search the database as it is")
    parser.add_argument("--pages", type=int, default=40, help="whole OPAC pages to time (0: none)")
    parser.add_argument("--no-search", action="store_true", help="import (and add holdings) only")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measured passes; each query's time is the median of its passes (default 1)")
    parser.add_argument("--before", metavar="REF",
                        help="also run app/catalog/search as it was at git REF (or a copy of it in a directory), "
                             "taking turns with the current "
                             "code on every query, and compare the answers")
    parser.add_argument("--analyze", action="store_true",
                        help="run ANALYZE before searching (a database loaded by an importer that did not)")
    parser.add_argument("--file", type=Path, help="another input file (smoke tests)")
    parser.add_argument("--db-name", help="another database name (smoke tests; default union-bench / bianmu_bench)")
    args = parser.parse_args(argv)
    if args.db_name:
        _use_database(args.db_name)
    if args.file:
        FILES[args.stage] = args.file.resolve()
        EXPECTED_BEFORE["1m"] = 0
    warnings.simplefilter("ignore")
    import logging

    logging.disable(logging.WARNING)
    path = FILES[args.stage]
    if not path.exists():
        raise SystemExit(f"{path} is missing: run bench/catalog_build.py first")
    run_id = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    base = {"engine": args.engine, "stage": args.stage, "run": run_id, "analyzed": args.analyze}
    emit({**base, "event": "machine", **machine()})
    imp = yard = None
    if not args.search_only:
        if args.stage == "100k":
            fresh_database(args.engine)
        else:
            subprocess.run([*FLASK, "db", "upgrade"], cwd=REPO, env=child_env(args.engine), check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            app = make_app(args.engine)
            with app.app_context():
                have = db_facts(args.engine)["records"]
            if not args.file and not EXPECTED_BEFORE["1m"] * 0.99 <= have <= EXPECTED_BEFORE["1m"] * 1.01:
                raise SystemExit(f"stage 1m continues stage 100k: the database holds {have} records")
        yard = pymarc_rate(path)
        emit({**base, "event": "yardstick", "file": str(path), "pymarc_parse_only": yard})
        imp = run_import(args.engine, path, args.workers, args.indexes)
        emit({**base, "event": "import", **imp, "pymarc_rate": yard["rate"],
              "ratio_to_pymarc": round(imp["rate"] / yard["rate"], 3)})
    app = make_app(args.engine)
    with app.app_context():
        if not args.search_only:
            emit({**base, "event": "holdings", **add_holdings()})
        from app.extensions import db

        if args.analyze:
            import sqlalchemy as sa

            start = time.perf_counter()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
            emit({**base, "event": "analyze", "seconds": round(time.perf_counter() - start, 1)})
        facts = db_facts(args.engine)
        emit({**base, "event": "database", **facts, "code_at_search": code_version()})
        if args.no_search:
            db.session.remove()
            return

        queries = build_queries()
        before = load_before(args.before) if args.before else None
        search = run_searches(queries, args.engine, args.stage, before, args.repeat)
        for row in search["queries"]:
            emit({**base, "event": "query", **row})
        emit({**base, "event": "search_summary", "by_kind": search["by_kind"], "statements": search["statements"],
              "statements_before": search.get("statements_before"), "before": args.before, "repeat": args.repeat,
              "loadavg_1m_at_end": os.getloadavg()[0]})
        pages = opac_pages(queries, args.pages) if args.pages else None
        if pages:
            emit({**base, "event": "opac_pages", **pages})
        db.session.remove()
    summary(args.engine, args.stage, imp, yard, search, pages, args.analyze)


if __name__ == "__main__":
    main()
