"""Certification exam load: N simulated candidates against gunicorn + PostgreSQL (issue 5).

    .venv/bin/python bench/exam_load.py setup --candidates 1250        # fresh DB bianmu_examload
    .venv/bin/python bench/exam_load.py search --steps 500,1000,1250 --minutes 2 --nice -10
    .venv/bin/python bench/exam_load.py drop                           # when done
  or step by step:
    .venv/bin/python bench/exam_load.py serve --port 8765              # gunicorn in the foreground
    .venv/bin/python bench/exam_load.py run --candidates 1000 --minutes 2 --url http://127.0.0.1:8765
    .venv/bin/python bench/exam_load.py verify                         # the last run against the DB
    .venv/bin/python bench/exam_load.py reset                          # attempts gone, candidates kept

`setup` drops and creates the database, migrates it (`flask db upgrade`), loads question_bank/
(`flask questions import`, or straight from the YAML files if that command is missing), and creates
the candidates in bulk: cataloguers of active member libraries, all with ONE Argon2id hash (hashing
each password would take minutes and measure nothing), each registered for one open round of the
shipped blueprint level3-chinese whose sittings are open now for six hours. It writes
bench/out/exam_load-setup.json (the password, e-mails and registration ids).

`run` is one asyncio process, one aiohttp session (cookie jar) per candidate. Sign-ins start at
--login-rate per second (Argon2id costs ~0.27 s of CPU each here, so sign-in is measured apart).
Each candidate signs in, opens /exams/, starts section A, loads the attempt page, makes a short burst
of quick answers, then saves a random position every 30 s ± 5 s with a rising seq per position (one
request at a time, retried once after a transport error) and asks …/status every 30 s, as exam.js
does. --minutes is the steady part after the last candidate is in; then every candidate saves once
more and submits within --spike seconds the way the page does (the whole form, a full paper, to
…/save-all with then=submit; --submit-via json posts …/submit instead). `verify` reads the database:
the stored (save_seq, response) of every position must be the last acknowledged one, and every attempt
submitted and graded. A step is held when the p99 of the steady autosaves is ≤ 250 ms, nothing is
lost and every attempt is graded; ramp and spike latencies are reported beside it. `search` runs the
steps, each on a fresh gunicorn with the attempts reset, and stops at the first step not held.

On a shared machine, --nice N raises the priority of the client's and gunicorn's sessions
(/proc/<pid>/autogroup: with sched_autogroup, per-process nice does not count between sessions).

Output: a summary on stderr, one JSON object per step on stdout and appended to
bench/out/exam_load.jsonl. A real sitting lasts 90 minutes; steps of a few minutes measure the same
steady rate, but give the sign-in ramp and the submission spike a larger share of the samples.
Timings are never asserted. Results: docs/benchmarks.md, "Certification exam load".
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
OUT = REPO / "bench" / "out"
MANIFEST = OUT / "exam_load-setup.json"
ACKS = OUT / "exam_load-acks.json"
PIDFILE = OUT / "exam_load-server.pid"
VENV = REPO / ".venv" / "bin"
PG = "postgresql://postgres@127.0.0.1:5432/"
TARGET_P99_MS = 250.0


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def pct(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))]


def summary(values):
    return {"n": len(values), "p50": pct(values, 50), "p95": pct(values, 95), "p99": pct(values, 99),
            "max": max(values) if values else None}


def server_env(m: dict) -> dict:
    return dict(os.environ, DATABASE_URL=PG + m["db"], SECRET_KEY=m["secret_key"], COOKIE_SECURE="0",
                FLASK_DEBUG="0")


def pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as c:
        c.execute(sql)


# --- setup ----------------------------------------------------------------------------------------
def setup(args) -> dict:
    t0 = time.perf_counter()
    m = {"db": args.db, "secret_key": os.environ.get("SECRET_KEY") or secrets.token_hex(32),
         "password": "Bench-" + secrets.token_hex(8)}
    pg_admin(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
    pg_admin(f'CREATE DATABASE "{args.db}"')
    env = server_env(m)
    subprocess.run([str(VENV / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=REPO, env=env, check=True,
                   capture_output=True)
    log(f"migrated {args.db} in {time.perf_counter() - t0:.1f} s")
    imp = subprocess.run([str(VENV / "flask"), "--app", "wsgi", "questions", "import", "question_bank"],
                         cwd=REPO, env=env, capture_output=True, text=True)
    m["questions_loaded_by"] = "flask questions import" if imp.returncode == 0 else "bench (YAML)"
    if imp.returncode != 0:
        log("`flask questions import` unavailable (" + (imp.stderr.strip().splitlines() or ["?"])[-1]
            + "): loading question_bank/objective/*.yaml directly")
    os.environ.update(DATABASE_URL=env["DATABASE_URL"], SECRET_KEY=m["secret_key"], COOKIE_SECURE="0")
    from app import create_app

    app = create_app()
    with app.app_context():
        if imp.returncode != 0:
            _load_objective_yaml()
        m.update(_people_and_round(args.candidates, m["password"]))
    OUT.mkdir(parents=True, exist_ok=True)
    MANIFEST.write_text(json.dumps(m, indent=1))
    log(f"setup: {args.candidates} candidates, round {m['round_id']}, {time.perf_counter() - t0:.1f} s")
    return m


def _load_objective_yaml() -> None:
    """The objective questions of question_bank/, approved, in the shared content/key shapes."""
    import hashlib

    import yaml

    from app.extensions import db
    from app.questions.models import Question, QuestionVersion

    points = {"single": 2, "truefalse": 2, "fill": 2, "multiple": 4}
    for path in sorted((REPO / "question_bank" / "objective").glob("*.yaml")):
        for it in yaml.safe_load(path.read_text()):
            content = {"text": it["text"], "text_en": it.get("text_en")}
            if it["type"] in ("single", "multiple"):
                content["choices"] = [{"key": c["key"], "text": c["text"], "text_en": c.get("text_en")}
                                      for c in it["choices"]]
            if it["type"] == "multiple":
                content["partial_credit"] = it.get("partial_credit", "each_correct")
            key = {"answer": it["answer"], "explanation": it["explanation"],
                   "explanation_en": it.get("explanation_en"), "source": it["source"]}
            q = Question(code=it["id"], type=it["type"], category=it["category"],
                         language_group=it["language_group"], difficulty=it["difficulty"],
                         tags=[str(t) for t in it.get("tags", [])], origin="bank")
            digest = hashlib.sha256(json.dumps([content, key], sort_keys=True).encode()).hexdigest()
            db.session.add(QuestionVersion(question=q, number=1, content=content, key=key,
                                           points=points[it["type"]], content_hash=digest, status="approved"))
    db.session.commit()


def _people_and_round(n: int, password: str) -> dict:
    from sqlalchemy import insert, select

    from app.accounts import roles
    from app.accounts.models import RoleGrant, User
    from app.accounts.passwords import hash_password
    from app.certification import rounds
    from app.certification.models import Registration, TrainingCertificate
    from app.core.types import utcnow
    from app.extensions import db
    from app.members.models import STATUS_ACTIVE, Library, Region

    now = utcnow()
    region = Region(code="BENCH", name_zh="压测地区", name_en="Bench region")
    libs = [Library(code=f"BL{k:03d}", name_zh=f"压测图书馆{k}", name_en=f"Bench library {k}", type="academic",
                    region=region, contact_name="联系人", contact_email=f"bl{k}@example.cn",
                    status=STATUS_ACTIVE, opened_at=now) for k in range(max(1, n // 25))]
    db.session.add_all(libs)
    admin = User(email="bench-admin@example.cn", name="压测管理员", password_hash=None, activated_at=now,
                 security_stamp=secrets.token_hex(16))
    db.session.add(admin)
    db.session.flush()
    roles.grant(None, admin, "centre_admin", reason="exam load bench", commit=False)
    pw_hash = hash_password(password)  # ONE hash for every candidate
    db.session.execute(insert(User), [
        {"email": f"cand{i:05d}@example.cn", "name": f"考生{i}", "password_hash": pw_hash,
         "library_id": libs[i % len(libs)].id, "activated_at": now, "security_stamp": secrets.token_hex(16)}
        for i in range(n)])
    users = db.session.execute(select(User.id, User.email, User.library_id)
                               .where(User.email.like("cand%")).order_by(User.email)).all()
    db.session.execute(insert(RoleGrant), [{"user_id": u.id, "role": "cataloguer", "reason": "exam load bench",
                                            "granted_at": now} for u in users])
    db.session.execute(insert(TrainingCertificate), [
        {"number": f"BENCH-{u.id}", "user_id": u.id, "issued_by_id": admin.id, "issued_on": now} for u in users])
    r = rounds.create_round(admin, blueprint_code="level3-chinese", code=f"bench-{now:%Y%m%d%H%M%S}",
                            title_zh="压测考试", title_en="Load test round",
                            registration_opens_at=now - timedelta(days=1),
                            registration_closes_at=now + timedelta(days=1), commit=False)
    for section in ("A", "B"):
        rounds.add_sitting(admin, r, section, now - timedelta(minutes=5), now + timedelta(hours=6), commit=False)
    rounds.set_status(admin, r, "open", commit=False)
    certs = dict(db.session.execute(select(TrainingCertificate.user_id, TrainingCertificate.id)).all())
    db.session.execute(insert(Registration), [
        {"round_id": r.id, "user_id": u.id, "library_id": u.library_id, "status": "registered",
         "basis": "training_certificate", "training_certificate_id": certs[u.id], "created_at": now,
         "section_results": {}} for u in users])
    db.session.commit()
    regs = dict(db.session.execute(select(Registration.user_id, Registration.id)
                                   .where(Registration.round_id == r.id)).all())
    return {"round_id": r.id, "sittings_close": (now + timedelta(hours=6)).isoformat(),
            "candidates": [{"email": u.email, "reg": regs[u.id]} for u in users]}


def reset(m: dict) -> None:
    """Attempts and their traces gone; users, round and registrations kept for the next step."""
    import psycopg

    with psycopg.connect(PG + m["db"], autocommit=True) as c:
        for sql in ("DELETE FROM exam_score_changes", "DELETE FROM exam_reviews",
                    "DELETE FROM exam_attempt_items", "DELETE FROM exam_attempts",
                    "DELETE FROM audit_log WHERE action LIKE 'exam.attempt%'", "DELETE FROM login_failures",
                    "UPDATE exam_registrations SET total = NULL, passed = NULL, result_at = NULL, "
                    "section_results = '{}'", "VACUUM ANALYZE"):
            c.execute(sql)


# --- serve ----------------------------------------------------------------------------------------
def start_server(m: dict, port: int, workers: int, threads: int, nice: int = 0) -> subprocess.Popen:
    import urllib.request

    cmd = ["nice", "-n", str(nice)] * bool(nice) + [str(VENV / "gunicorn"), "-w", str(workers), "-k", "gthread", "--threads", str(threads),
           "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"]
    log("serve: " + " ".join(cmd).replace(str(VENV) + "/", ""))
    proc = subprocess.Popen(cmd, cwd=REPO, env=server_env(m), start_new_session=True)
    if nice:
        set_autogroup_nice(proc.pid, nice)
    for _ in range(100):
        time.sleep(0.3)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/account/login", timeout=5).read()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited")
    raise SystemExit("gunicorn did not answer")


def set_autogroup_nice(pid, nice: int) -> None:
    """With sched_autogroup every session shares the CPU equally whatever its processes' nice values;
    the session's own nice is what counts against other engineers' sessions on a shared machine."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError as e:
        log(f"autogroup nice not set for {pid}: {e}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# --- CPU sampling -----------------------------------------------------------------------------------
class Sampler(threading.Thread):
    """Every second: machine CPU, the gunicorn tree, the bench DB's backends, this client, load average."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, server_pid: int | None, db: str, nice: int = 0):
        super().__init__(daemon=True)
        self.server_pid, self.db, self.rows, self.stop = server_pid, db, [], threading.Event()
        self.nice = nice

    @staticmethod
    def _proc(pid):
        try:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(f[1]), int(f[11]) + int(f[12])  # ppid, utime+stime
        except (OSError, IndexError):
            return None

    def _tree(self, root):
        procs = {}
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                got = self._proc(int(p.name))
                if got:
                    procs[int(p.name)] = got
        keep, frontier = set(), {root}
        while frontier:
            keep |= frontier
            frontier = {pid for pid, (pp, _) in procs.items() if pp in frontier} - keep
        return sum(procs[p][1] for p in keep if p in procs)

    def _pg(self, conn):
        pids = [r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (self.db,))]
        for p in pids if self.nice else ():  # the bench DB's backends get the server's priority
            try:
                os.setpriority(os.PRIO_PROCESS, p, self.nice)
            except OSError:
                pass
        return sum((self._proc(p) or (0, 0))[1] for p in pids)

    @staticmethod
    def _machine():
        f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(f) - f[3] - f[4], sum(f)

    def run(self):
        import psycopg

        conn = psycopg.connect(PG + self.db, autocommit=True)
        prev = None
        while not self.stop.wait(1.0):
            ru = resource.getrusage(resource.RUSAGE_SELF)
            busy, total = self._machine()
            cur = (time.time(), busy, total, self._tree(self.server_pid) if self.server_pid else 0,
                   self._pg(conn), (ru.ru_utime + ru.ru_stime) * self.TICK)
            if prev:
                dt = cur[0] - prev[0]
                self.rows.append({"t": cur[0], "machine": (cur[1] - prev[1]) / max(1, cur[2] - prev[2]) * os.cpu_count(),
                                  "gunicorn": (cur[3] - prev[3]) / self.TICK / dt,
                                  "postgres": max(0, cur[4] - prev[4]) / self.TICK / dt,
                                  "client": (cur[5] - prev[5]) / self.TICK / dt,
                                  "load1": float(Path("/proc/loadavg").read_text().split()[0])})
            prev = cur
        conn.close()

    def report(self, t_from=None, t_to=None):
        rows = [r for r in self.rows if (t_from is None or r["t"] >= t_from) and (t_to is None or r["t"] <= t_to)]
        if not rows:
            return {}
        out = {k: {"mean": round(sum(r[k] for r in rows) / len(rows), 2), "max": round(max(r[k] for r in rows), 2)}
               for k in ("machine", "gunicorn", "postgres", "client", "load1")}
        return out


# --- the candidates ---------------------------------------------------------------------------------
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CSRF_META = re.compile(r'<meta[^>]+name="csrf-token"[^>]+content="([^"]+)"')
CSRF_DATA = re.compile(r'data-csrf="([^"]+)"')
TOKEN = re.compile(r'data-token="([^"]+)"')
ITEM = re.compile(r'data-position="(\d+)"[^>]*?data-type="(\w+)"|data-type="(\w+)"[^>]*?data-position="(\d+)"')


class Stats:
    def __init__(self):
        self.lat = {}      # kind -> [(t, ms, phase)]
        self.errors = {}   # kind -> {status/exception: count}
        self.acks = {}     # attempt id -> {position: [seq, response]}
        self.stale = 0
        self.attempts = {}  # reg -> attempt id

    def ok(self, kind, t, ms, phase=""):
        self.lat.setdefault(kind, []).append((t, ms, phase))

    def err(self, kind, what):
        d = self.errors.setdefault(kind, {})
        d[str(what)] = d.get(str(what), 0) + 1


def random_response(kind: str, rnd: random.Random, seq: int):
    if kind == "single":
        return rnd.choice("ABCD")
    if kind == "multiple":
        return sorted(rnd.sample("ABCD", rnd.randint(1, 4)))
    if kind == "truefalse":
        return rnd.random() < 0.5
    if kind == "fill":
        return f"690 #{seq}"
    return {"mrk": f"=LDR  00000nam0 2200000 450 \n=200  1#$a题名{seq}", "choice": ""}


class Candidate:
    def __init__(self, run, idx, email, reg):
        self.run, self.idx, self.email, self.reg = run, idx, email, reg
        self.rnd = random.Random(idx)
        self.seq, self.answers = {}, {}  # per position: the last seq sent; what the page shows

    async def req(self, s, kind, method, path, phase="", expect=(200,), timeout=60, **kw):
        """One timed request; (status, text, headers) or None on a transport error or timeout."""
        import aiohttp

        t = time.perf_counter()
        try:
            async with s.request(method, self.run.url + path, allow_redirects=False,
                                 timeout=aiohttp.ClientTimeout(total=timeout), **kw) as r:
                body = await r.text()
                ms = (time.perf_counter() - t) * 1000
                if r.status in expect:
                    self.run.stats.ok(kind, time.time(), ms, phase)
                else:
                    self.run.stats.err(kind, r.status)
                return r.status, body, r.headers
        except (asyncio.TimeoutError, OSError, Exception) as e:  # noqa: BLE001 - count every failure
            self.run.stats.err(kind, type(e).__name__)
            return None

    async def main(self, start_at: float):
        import aiohttp

        run = self.run
        await asyncio.sleep(max(0.0, start_at - time.time()))
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=60)) as s:
            if not await self.sign_in_and_open(s):
                return
            run.ready += 1
            ticker = asyncio.create_task(self.ticks(s))
            # A quick first burst (the easy questions), then an answer every 30 s ± 5 s.
            for _ in range(self.rnd.choice((0, 1, 2, 3, 5, 8))):
                if time.time() >= run.t_spike:
                    break
                await asyncio.sleep(self.rnd.uniform(2, 6))
                await self.save(s)
            while True:
                wake = time.time() + self.rnd.uniform(25, 35)
                if wake >= run.t_spike:
                    break
                await asyncio.sleep(wake - time.time())
                await self.save(s)
            # The spike: everyone hands in within a few seconds; the last answer is saved first.
            await asyncio.sleep(max(0.0, run.t_spike + self.rnd.uniform(0, run.spike) - time.time()))
            ticker.cancel()
            await self.save(s, phase="spike")
            await self.submit(s)

    async def ticks(self, s):
        """The page asks for the clock and the holder every 30 s (exam.js tick)."""
        while True:
            await asyncio.sleep(30)
            await self.req(s, "status", "GET", f"/exams/attempts/{self.attempt}/status",
                           params={"token": self.token})

    async def submit(self, s):
        run = self.run
        if run.submit_via == "json":
            got = await self.req(s, "submit", "POST", f"/exams/attempts/{self.attempt}/submit", expect=(302,),
                                 data={"csrf_token": self.csrf, "token": self.token}, timeout=900)
        else:  # what the page does: the whole form to save-all, then=submit (every answer saved again)
            if run.answer_all:  # by the end of a real sitting every question has an answer on the page
                for pos, kind in self.types.items():
                    if pos not in self.answers:
                        self.answers[pos] = random_response(kind, self.rnd, 0)
            form = [("csrf_token", self.csrf), ("token", self.token), ("then", "submit")]
            for pos, kind in sorted(self.types.items()):
                if kind == "multiple":
                    form.append((f"q{pos}-present", "1"))
                    form += [(f"q{pos}", k) for k in self.answers.get(pos, [])]
                elif pos in self.answers:
                    v = self.answers[pos]
                    form.append((f"q{pos}", ("true" if v else "false") if kind == "truefalse" else v))
            got = await self.req(s, "submit", "POST", f"/exams/attempts/{self.attempt}/save-all", expect=(302,),
                                 data=form, timeout=900)  # a browser waits for a form post
        if got and got[0] == 302 and got[2].get("Location", "").rstrip("/").endswith("/done"):
            if run.submit_via != "json":  # the form's values are acknowledged with the submission
                acks = run.stats.acks[self.attempt]
                for pos, kind in self.types.items():
                    if pos in self.answers or kind == "multiple":
                        seq = acks.get(pos, [0])[0]
                        acks[pos] = [seq, self.answers.get(pos, []), "form"]
            await self.req(s, "done_page", "GET", f"/exams/attempts/{self.attempt}/done", timeout=900)
        elif got:
            run.stats.err("submit", f"{got[0]} to {got[2].get('Location')}")

    async def sign_in_and_open(self, s) -> bool:
        run = self.run
        got = await self.req(s, "login_page", "GET", "/account/login")
        if not got:
            return False
        mt = CSRF_INPUT.search(got[1])
        got = await self.req(s, "sign_in", "POST", "/account/login", expect=(302,),
                             data={"email": self.email, "password": run.password,
                                   "csrf_token": (mt.group(1) or mt.group(2)) if mt else ""})
        if not got or got[0] != 302:
            return False
        got = await self.req(s, "exams_index", "GET", "/exams/")
        if not got or got[0] != 200:
            return False
        mt = CSRF_INPUT.search(got[1]) or CSRF_META.search(got[1])
        got = await self.req(s, "start", "POST", f"/exams/registrations/{self.reg}/start/A", expect=(302,),
                             data={"csrf_token": mt.group(1) or mt.group(2) if mt else ""})
        if not got or got[0] != 302 or "/exams/attempts/" not in got[2].get("Location", ""):
            return False
        self.attempt = int(re.search(r"/exams/attempts/(\d+)", got[2]["Location"]).group(1))
        run.stats.attempts[self.reg] = self.attempt
        got = await self.req(s, "attempt_page", "GET", f"/exams/attempts/{self.attempt}")
        if not got or got[0] != 200:
            return False
        page = got[1]
        tm, cm = TOKEN.search(page), CSRF_META.search(page) or CSRF_DATA.search(page)
        if not tm or not cm:
            run.stats.err("attempt_page", "no token/csrf in page")
            return False
        self.token, self.csrf = tm.group(1), cm.group(1)
        self.types = {int(a or d): (b or c) for a, b, c, d in ITEM.findall(page)}
        if not self.types:
            self.types = await run.item_types(self.attempt)
        run.stats.acks[self.attempt] = {}
        return True

    async def save(self, s, phase=None):
        run = self.run
        position = self.rnd.choice(sorted(self.types))
        seq = self.seq[position] = self.seq.get(position, 0) + 1
        response = self.answers[position] = random_response(self.types[position], self.rnd, seq)
        phase = phase or ("ramp" if time.time() < run.t_ramp_end else "steady")
        kind = "autosave"
        for attempt in range(2):  # the page retries a failed save once
            got = await self.req(s, kind, "POST", f"/exams/attempts/{self.attempt}/save", phase=phase,
                                 json={"token": self.token, "position": position, "response": response, "seq": seq},
                                 headers={"X-CSRFToken": self.csrf})
            if got and got[0] == 200:
                ack = json.loads(got[1])
                if ack.get("stale") and ack.get("seq") != seq:
                    run.stats.stale += 1
                else:  # stale with our own seq: the attempt that timed out had landed
                    run.stats.acks[self.attempt][position] = [seq, response, "json"]
                return
            if got and got[0] in (400, 409):
                return  # refused: not acknowledged, nothing to retry
            await asyncio.sleep(2)
            kind = "autosave_retry"


class Run:
    def __init__(self, m, args, n):
        self.url, self.password = args.url.rstrip("/"), m["password"]
        self.cands = m["candidates"][:n]
        if len(self.cands) < n:
            raise SystemExit(f"setup made {len(m['candidates'])} candidates, fewer than {n}")
        self.n, self.rate, self.spike, self.minutes = n, args.login_rate, args.spike, args.minutes
        self.submit_via, self.answer_all = args.submit_via, not args.few_answers
        self.stats, self.ready, self.db = Stats(), 0, m["db"]
        self._conn, self._lock = None, None

    async def item_types(self, attempt_id):
        """Only if the page does not mark its items: the question types of the attempt, from the DB."""
        import psycopg

        async with self._lock:
            if self._conn is None:
                self._conn = await psycopg.AsyncConnection.connect(PG + self.db, autocommit=True)
            cur = await self._conn.execute(
                "SELECT i.position, q.type FROM exam_attempt_items i JOIN question_versions v "
                "ON v.id = i.question_version_id JOIN questions q ON q.id = v.question_id WHERE i.attempt_id = %s",
                (attempt_id,))
            return dict(await cur.fetchall())

    async def lag_probe(self, until):
        """The client's own event-loop lag: if it is large, client-side latencies are inflated."""
        self.lags = []
        while time.time() < until:
            t = time.perf_counter()
            await asyncio.sleep(0.1)
            self.lags.append((time.perf_counter() - t - 0.1) * 1000)

    async def go(self):
        self._lock = asyncio.Lock()
        self.t0 = time.time() + 1
        ramp = self.n / self.rate
        self.t_ramp_end = self.t0 + ramp + 10  # + the time the last one takes to open the paper
        self.t_spike = self.t_ramp_end + self.minutes * 60
        log(f"run: {self.n} candidates, sign-in ramp {ramp:.0f} s, steady {self.minutes} min, "
            f"spike {self.spike} s")
        tasks = [asyncio.create_task(Candidate(self, i, c["email"], c["reg"]).main(self.t0 + i / self.rate))
                 for i, c in enumerate(self.cands)]
        probe = asyncio.create_task(self.lag_probe(self.t_spike + self.spike + 30))
        await asyncio.gather(*tasks)
        self.t_end = time.time()
        probe.cancel()
        if self._conn is not None:
            await self._conn.close()


def run_step(m, args, n, server_pid=None) -> dict:
    run = Run(m, args, n)
    if args.nice:
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
        set_autogroup_nice("self", args.nice)
    sampler = Sampler(server_pid, m["db"], args.nice)
    sampler.start()
    try:
        asyncio.run(run.go())
    finally:
        sampler.stop.set()
        sampler.join()
        if args.nice:
            set_autogroup_nice("self", 0)
    st = run.stats
    lat = {k: summary([ms for _, ms, _ in v]) for k, v in st.lat.items()}
    saves = st.lat.get("autosave", [])
    by_phase = {p: summary([ms for _, ms, ph in saves if ph == p]) for p in ("ramp", "steady", "spike")}
    by_phase["exam"] = summary([ms for _, ms, ph in saves if ph != "spike"])
    done = [t for t, _, _ in st.lat.get("submit", [])]
    ACKS.write_text(json.dumps({"attempts": st.attempts, "acks": st.acks}))
    return {"candidates": n, "started": len(st.attempts), "opened": run.ready,
            "minutes_steady": args.minutes, "submit_via": args.submit_via, "login_rate": args.login_rate, "spike_s": args.spike,
            "latency_ms": lat, "autosave_by_phase_ms": by_phase, "errors": st.errors, "stale_acks": st.stale,
            "acknowledged_saves": len(saves), "answer_all": run.answer_all,
            "spike_drain_s": round(max(done) - run.t_spike, 1) if done else None, "client_loop_lag_ms": summary(getattr(run, "lags", [])),
            "cpu_cores": {"all": sampler.report(), "ramp": sampler.report(run.t0, run.t_ramp_end),
                          "steady": sampler.report(run.t_ramp_end, run.t_spike),
                          "spike": sampler.report(run.t_spike, run.t_end)}}


# --- verify -----------------------------------------------------------------------------------------
def verify(m: dict) -> dict:
    import psycopg

    data = json.loads(ACKS.read_text())
    lost, unacked_newer, checked = [], 0, 0
    with psycopg.connect(PG + m["db"]) as c:
        stored = {(a, p): (seq, resp) for a, p, seq, resp in c.execute(
            "SELECT attempt_id, position, save_seq, response FROM exam_attempt_items")}
        states = {a: (st, g) for a, st, g in c.execute(
            "SELECT id, status, graded_at IS NOT NULL AND score IS NOT NULL FROM exam_attempts")}
    for attempt, positions in data["acks"].items():
        for pos, (seq, resp, via) in positions.items():
            checked += 1
            got = stored.get((int(attempt), int(pos)))
            if via == "form":  # saved again by the submission: same answer, seq moved on
                if got is None or got[0] < seq or got[1] != resp:
                    lost.append({"attempt": attempt, "position": pos, "acked": [seq, resp, via], "stored": got})
            elif got is None or got[0] < seq or (got[0] == seq and got[1] != resp):
                lost.append({"attempt": attempt, "position": pos, "acked": [seq, resp], "stored": got})
            elif got[0] > seq:
                unacked_newer += 1  # saved, but its acknowledgement never arrived (a timeout): not a loss
    mine = {int(a) for a in data["attempts"].values()}
    not_done = sorted(a for a in mine if states.get(a, ("?", False)) != ("submitted", True))
    out = {"acknowledged_positions_checked": checked, "lost": len(lost), "lost_examples": lost[:5],
           "saved_without_ack": unacked_newer, "attempts": len(mine),
           "attempts_not_submitted_and_graded": len(not_done), "not_done_examples": not_done[:5]}
    log(f"verify: {checked} acknowledged answers checked, {len(lost)} lost; "
        f"{len(mine) - len(not_done)}/{len(mine)} attempts submitted and graded")
    return out


# --- reporting & commands ---------------------------------------------------------------------------
def show(res: dict) -> None:
    log(f"--- N={res['candidates']}: started {res['started']}, acknowledged saves {res['acknowledged_saves']}")
    for k, v in res["latency_ms"].items():
        log(f"  {k:14s} n={v['n']:6d} p50={v['p50']:8.1f} p95={v['p95']:8.1f} p99={v['p99']:8.1f} "
            f"max={v['max']:8.1f} ms")
    for k, v in res["autosave_by_phase_ms"].items():
        if v["n"]:
            log(f"  save/{k:9s} n={v['n']:6d} p50={v['p50']:8.1f} p95={v['p95']:8.1f} p99={v['p99']:8.1f}")
    log(f"  errors {res['errors']}  stale {res['stale_acks']}  client lag p99 {res['client_loop_lag_ms']['p99']} ms")
    for ph, c in res["cpu_cores"].items():
        if c:
            log(f"  cpu[{ph}] " + "  ".join(f"{k} {v['mean']}/{v['max']}" for k, v in c.items()))
    if "verify" in res:
        log(f"  verdict: {'PASS' if res['pass'] else 'FAIL'} (p99 autosave {res['p99_autosave_ms']:.1f} ms, "
            f"with the spike {res['p99_with_spike_ms']:.1f} ms, spike drained in {res['spike_drain_s']} s, "
            f"lost {res['verify']['lost']})")


def judge(res: dict) -> dict:
    """Held: p99 of the steady autosaves (every candidate in) ≤ 250 ms, nothing lost, all graded.

    Sign-in is CPU-bound by design (Argon2id) and measured apart, with the autosaves made during the
    ramp; the autosaves made during the submission spike are reported beside it (p99_with_spike_ms).
    """
    p99 = res["autosave_by_phase_ms"]["steady"]["p99"] or float("inf")
    v = res["verify"]
    res["p99_autosave_ms"] = p99
    res["p99_with_spike_ms"] = res["latency_ms"].get("autosave", {}).get("p99")
    res["pass"] = bool(p99 <= TARGET_P99_MS and v["lost"] == 0 and v["attempts_not_submitted_and_graded"] == 0
                       and res["started"] == res["candidates"])
    return res


def record(res: dict, args) -> None:
    res.update(when=datetime.now(timezone.utc).isoformat(timespec="seconds"), workers=args.workers, nice=args.nice,
               threads=args.threads, argv=" ".join(sys.argv[1:]))
    with open(OUT / "exam_load.jsonl", "a") as f:
        f.write(json.dumps(res) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cmd", choices=("setup", "serve", "run", "verify", "reset", "search", "drop"))
    ap.add_argument("--db", default="bianmu_examload")
    ap.add_argument("--candidates", type=int, default=1000)
    ap.add_argument("--minutes", type=float, default=2.0, help="steady minutes after the sign-in ramp")
    ap.add_argument("--login-rate", type=float, default=4.0, help="sign-ins started per second")
    ap.add_argument("--spike", type=float, default=10.0, help="seconds in which everyone submits")
    ap.add_argument("--url", default="http://127.0.0.1:8765")
    ap.add_argument("--submit-via", choices=("form", "json"), default="form",
                    help="form: POST save-all then=submit, as the page does; json: POST …/submit")
    ap.add_argument("--few-answers", action="store_true",
                    help="submit only the answers saved during the run (default: a full paper, as after 90 min)")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--nice", type=int, default=0,
                    help="priority of gunicorn, its DB backends and the client (e.g. -5 on a shared machine)")
    ap.add_argument("--steps", default="250,500,750,1000,1250")
    args = ap.parse_args(argv)
    if args.cmd == "setup":
        setup(args)
        return
    if args.cmd == "drop":
        pg_admin(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        return
    m = json.loads(MANIFEST.read_text())
    if args.cmd == "serve":
        proc = start_server(m, args.port, args.workers, args.threads, args.nice)
        PIDFILE.write_text(str(proc.pid))
        try:
            proc.wait()
        except KeyboardInterrupt:
            stop_server(proc)
        finally:
            PIDFILE.unlink(missing_ok=True)
    elif args.cmd == "reset":
        reset(m)
    elif args.cmd == "verify":
        print(json.dumps(verify(m)))
    elif args.cmd == "run":
        pid = int(PIDFILE.read_text()) if PIDFILE.exists() else None  # `serve` wrote it: its CPU is sampled
        res = run_step(m, args, args.candidates, server_pid=pid)
        res["verify"] = verify(m)
        judge(res)
        show(res)
        record(res, args)
        print(json.dumps(res))
    elif args.cmd == "search":
        steps = [int(x) for x in args.steps.split(",")]
        if max(steps) > len(m["candidates"]):
            raise SystemExit(f"setup --candidates {max(steps)} first")
        args.url = f"http://127.0.0.1:{args.port}"
        best = None
        for n in steps:
            reset(m)
            proc = start_server(m, args.port, args.workers, args.threads, args.nice)
            try:
                res = run_step(m, args, n, server_pid=proc.pid)
            finally:
                stop_server(proc)
            res["verify"] = verify(m)
            judge(res)
            show(res)
            record(res, args)
            print(json.dumps(res), flush=True)
            if not res["pass"]:
                break
            best = n
        log(f"largest N held: {best}")


if __name__ == "__main__":
    main()
