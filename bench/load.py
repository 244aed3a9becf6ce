"""Load test: Locust (headless, loopback) against gunicorn, as production and as a learning centre.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/load.py                 # both set-ups below; ~10 minutes
    LOAD_SECONDS=20 LOAD_LEARNERS=2000 .venv/bin/python bench/load.py   # a quick look

1. Production shape: PostgreSQL (database ``dip_load`` on LOAD_PG, dropped and made again),
   Redis with an RQ worker (``flask dip worker``), gunicorn with 4 processes x 4 threads;
   the 10,000-learner dataset (bench/dataset.py); 50, 100 and 200 concurrent users.
2. Embedded defaults, the size of one learning centre: SQLite file, no Redis (jobs inline),
   gunicorn as ``scripts/serve`` runs it; 60 concurrent users.

For each run: requests per second, median and 95th-percentile latency per page kind, errors,
and the peak resident memory of each process (sampled every second). Locust runs on the same
two cores as the server, so absolute numbers are pessimistic; compare runs with each other.
Writes bench/results/load.md.
"""
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = ROOT / ".venv" / "bin"
PG = os.environ.get("LOAD_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379/7")
LEARNERS = int(os.environ.get("LOAD_LEARNERS", "10000"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))
PASSWORD = "bench-password"
PORT = 8765
# Keep idle connections longer than a user's pause between clicks, as the reverse proxy does in
# production (nginx: 65 s). With gunicorn's 2 s default the server closes a connection just as
# Locust (which, unlike a browser, does not retry) reuses it, and the request fails with status 0.
KEEP_ALIVE = ["--keep-alive", "75"]


def run(args, env, **kw):
    """Run a command of the project, failing loudly."""
    subprocess.run(args, env=env, cwd=ROOT, check=True, **kw)


def prepare(env, learners):
    """Migrate, load the curriculum and the dataset; give the chosen people a known password."""
    flask = [str(VENV / "flask"), "--app", "wsgi"]
    run(flask + ["db", "upgrade"], env, stdout=subprocess.DEVNULL)
    run(flask + ["dip", "curriculum", "sync"], env, stdout=subprocess.DEVNULL)
    run([str(VENV / "python"), "bench/dataset.py", "--learners", str(learners)], env)
    os.environ.update(env)
    from sqlalchemy import select, update

    from dip import create_app
    from dip.core.access import Role
    from dip.extensions import db
    from dip.modules.accounts.models import User

    app = create_app()
    people = {}
    with app.app_context():
        for role, limit in ((Role.LEARNER, 400), (Role.TRAINER, 40), (Role.COORDINATOR, 10),
                            (Role.REVIEWER, 5)):
            ids = db.session.execute(select(User.id, User.username).where(
                User.role == role, User.active.is_(True)).order_by(User.id).limit(limit)).all()
            people[role.value] = [name for _id, name in ids]
            probe = User(username="x", display_name="x")
            probe.set_password(PASSWORD)
            db.session.execute(update(User).where(User.id.in_([i for i, _n in ids])).values(
                password_hash=probe.password_hash, must_change_password=False))
        db.session.commit()
        db.engine.dispose()
    path = Path(tempfile.mkdtemp()) / "users.json"
    path.write_text(json.dumps(people))
    return path, {role: len(names) for role, names in people.items()}


class Memory(threading.Thread):
    """Peak resident memory of each server process, sampled every second."""

    def __init__(self, roots):
        super().__init__(daemon=True)
        self.roots, self.peak, self.stop = roots, {}, threading.Event()

    def sample(self):
        found = {}
        for label, proc in self.roots.items():
            try:
                found[f"{label} (main)"] = proc.memory_info().rss
                for i, child in enumerate(proc.children(recursive=True)):
                    found[f"{label} worker {i + 1}"] = child.memory_info().rss
            except psutil.Error:
                continue
        for name in ("redis-server", "postgres"):
            procs = [p for p in psutil.process_iter(["name"]) if p.info["name"] == name]
            if procs:
                total = 0
                for p in procs:
                    try:  # unique memory: RSS would count PostgreSQL's shared buffers per backend
                        total += p.memory_full_info().uss
                    except psutil.Error:
                        pass
                found[f"{name} (all processes, unique memory)"] = total
        for key, value in found.items():
            self.peak[key] = max(self.peak.get(key, 0), value)

    def run(self):
        while not self.stop.wait(1):
            self.sample()


def start(args, env):
    """Start a server process in its own process group."""
    return subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_up():
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def locust(users, env, users_file):
    """Run Locust headless for ``users``; return its per-kind rows and totals."""
    out = Path(tempfile.mkdtemp()) / "run"
    # Locust exits 1 when any request failed; the failures are read from its CSV instead.
    subprocess.run([str(VENV / "locust"), "-f", "bench/locustfile.py", "--headless",
                    "-u", str(users), "-r", str(max(2, users // 20)), "-t", f"{SECONDS}s",
                    "--host", f"http://127.0.0.1:{PORT}", "--csv", str(out), "--only-summary",
                    "--loglevel", "WARNING"],
                   env={**env, "LOAD_USERS": str(users_file), "LOAD_PASSWORD": PASSWORD}, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(f"{out}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    with open(f"{out}_failures.csv") as f:
        failures = [f"{r['Method']} {r['Name']}: {r['Error']} ({r['Occurrences']}x)"
                    for r in csv.DictReader(f)]
    return ([r for r in rows if r["Name"] != "Aggregated"],
            next(r for r in rows if r["Name"] == "Aggregated"), failures)


def session(label, env, servers, users_list, users_file):
    """Start the servers, run Locust for each count of users, stop; return report lines."""
    procs = {name: start(args, env) for name, args in servers.items()}
    lines = []
    try:
        wait_up()
        for users in users_list:
            memory = Memory({name: psutil.Process(p.pid) for name, p in procs.items()})
            memory.start()
            kinds, total, failures = locust(users, env, users_file)
            memory.stop.set()
            memory.join()
            lines += [
                f"### {label}: {users} concurrent users, {SECONDS} s",
                "",
                f"{float(total['Requests/s']):.1f} requests/s; {int(total['Request Count']):,} "
                f"requests, **{int(total['Failure Count'])} errors**; median "
                f"{float(total['Median Response Time']):.0f} ms, 95th percentile "
                f"{float(total['95%']):.0f} ms.",
                "",
                "| page kind | requests | errors | median ms | 95% ms |",
                "|---|---:|---:|---:|---:|",
            ] + [f"| {r['Type']} {r['Name']} | {int(r['Request Count']):,} | {r['Failure Count']} | "
                 f"{float(r['Median Response Time']):.0f} | {float(r['95%']):.0f} |"
                 for r in sorted(kinds, key=lambda r: r["Name"])] + [
                "",
            ] + ([f"Errors: {'; '.join(failures)}", ""] if failures else []) + [
                "| process | peak memory (MB) |",
                "|---|---:|",
            ] + [f"| {k} | {v / 2**20:.0f} |" for k, v in sorted(memory.peak.items())] + [""]
    finally:
        for p in procs.values():
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs.values():
            p.wait(timeout=30)
    return lines


def main():
    """Run both set-ups and write bench/results/load.md."""
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base.update(SECRET_KEY="load-test", LOG_LEVEL="WARNING", FLASK_APP="wsgi")
    gunicorn = str(VENV / "gunicorn")
    lines = ["## Load (Locust, headless, loopback)", "",
             "A realistic mix (weights 40 learners : 4 trainers : 2 coordinators : 1 reviewer): "
             "learners read lessons, take self-checks, save proposal drafts and assignment "
             "drafts; trainers open the grading queue, grade pages, progress grids and "
             "gradebooks; coordinators open cohort income pages and the outcomes dashboard; "
             "reviewers the dashboard and definitions. Each user waits 2 to 8 s between "
             "clicks. Locust shares the machine's two cores with the server.", ""]

    subprocess.run(["psql", PG + "/postgres", "-qc", "DROP DATABASE IF EXISTS dip_load"], check=True)
    subprocess.run(["psql", PG + "/postgres", "-qc", "CREATE DATABASE dip_load"], check=True)
    upload = tempfile.mkdtemp()
    env = {**base, "DATABASE_URL": PG + "/dip_load", "REDIS_URL": REDIS, "UPLOAD_PATH": upload}
    subprocess.run([str(VENV / "python"), "-c", f"import redis; redis.Redis.from_url('{REDIS}').flushdb()"],
                   check=True)
    users_file, counts = prepare(env, LEARNERS)
    lines += [f"Production shape: PostgreSQL, Redis and one RQ worker, gunicorn 4 processes x 4 "
              f"threads; {LEARNERS:,} learners with 24 months of earnings; sign-in names drawn "
              f"from {counts}.", ""]
    lines += session("PostgreSQL + Redis", env, {
        "gunicorn": [gunicorn, "-w", "4", "--threads", "4", "-b", f"127.0.0.1:{PORT}",
                     *KEEP_ALIVE, "--error-logfile", "/tmp/dip-load-gunicorn.log", "wsgi:app"],
        "rq worker": [str(VENV / "flask"), "--app", "wsgi", "dip", "worker"],
    }, [50, 100, 200], users_file)

    folder = tempfile.mkdtemp()
    env = {**base, "DATABASE_URL": f"sqlite:///{folder}/dip.sqlite3", "UPLOAD_PATH": upload}
    users_file, counts = prepare(env, min(LEARNERS, 2000))
    lines += [f"Embedded defaults: SQLite file, no Redis (jobs inline), gunicorn 2 processes x 8 "
              f"threads as `scripts/serve` runs it; {min(LEARNERS, 2000):,} learners.", ""]
    lines += session("SQLite, embedded", env, {
        "gunicorn": [gunicorn, "-w", "2", "--threads", "8", "-b", f"127.0.0.1:{PORT}",
                     *KEEP_ALIVE, "wsgi:app"],
    }, [60], users_file)
    shutil.rmtree(folder, ignore_errors=True)
    out = ROOT / "bench" / "results" / "load.md"
    out.write_text("\n".join(lines) + "\n")
    print(out.read_text())


if __name__ == "__main__":
    main()
