"""Load test: 200 learners arriving over 40 s on two cores, on each set-up the README documents.

    .venv/bin/python bench/load.py                      # both set-ups; about 8 minutes
    LOAD_SETUPS=sqlite .venv/bin/python bench/load.py   # only the embedded one
    LOAD_SHAPES=2x4,2x16,4x2 .venv/bin/python bench/load.py   # other shapes too, to compare

The crowd is bench/crowd.py (threads and http.client: nothing to install): 200 learners
arrive evenly over 40 s (5 a second), sign in through the real form, browse for 60 s with 3 s
of think time and post now and then. The servers run exactly as deployed, with the shape
``scripts/serve`` and deploy/dip-web.service choose (``dip/serving.py``):

1. Embedded centre: SQLite file, no Redis (jobs in-process), the 2,000-learner dataset.
2. Production: PostgreSQL (database LOAD_DB, default ``dip_load``, on LOAD_PG, dropped and
   made again), Redis
   with an RQ worker (``flask dip worker``), the 10,000-learner dataset.

The crowd runs on the same two cores as the server, so latency figures are pessimistic.
Reported: p50, p95, p99 and errors over every request (sign-ins included) and per kind, the
arrival rate, the server's CPU seconds (every process), and the load average before the run.
Writes bench/results/load.md.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
VENV = ROOT / ".venv" / "bin"
PG = os.environ.get("LOAD_PG", "postgresql://postgres@127.0.0.1:5432")
REDIS = os.environ.get("LOAD_REDIS", "redis://127.0.0.1:6379/13")
DB = os.environ.get("LOAD_DB", "dip_load")  # dropped and made again
PASSWORD = "bench-password"
PORT = int(os.environ.get("LOAD_PORT", "8765"))
LEARNERS = int(os.environ.get("LOAD_LEARNERS", "200"))
ARRIVAL = float(os.environ.get("LOAD_ARRIVAL", "40"))
STAY = float(os.environ.get("LOAD_STAY", "60"))
THINK = float(os.environ.get("LOAD_THINK", "3"))


def run(args, env, **kw):
    subprocess.run(args, env=env, cwd=ROOT, check=True, **kw)


def prepare(env, learners: int) -> Path:
    """Migrate, load the curriculum and the dataset; give 400 learners an Argon2id password
    (what a class has after its first sign-in); return the file of their names."""
    flask = [str(VENV / "flask"), "--app", "wsgi"]
    run(flask + ["db", "upgrade"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run(flask + ["dip", "curriculum", "sync"], env, stdout=subprocess.DEVNULL)
    run([str(VENV / "python"), "bench/dataset.py", "--learners", str(learners)], env)
    script = f"""
import json
from sqlalchemy import select, update
from dip import create_app
from dip.core.access import Role
from dip.extensions import db
from dip.modules.accounts import passwords
from dip.modules.accounts.models import User
app = create_app()
with app.app_context():
    ids = db.session.execute(select(User.id, User.username).where(
        User.role == Role.LEARNER, User.active.is_(True)).order_by(User.id).limit(400)).all()
    db.session.execute(update(User).where(User.id.in_([i for i, _n in ids])).values(
        password_hash=passwords.hash_password({PASSWORD!r}), must_change_password=False))
    db.session.commit()
    print(json.dumps([n for _i, n in ids]))
"""
    names = subprocess.run([str(VENV / "python"), "-c", script], env=env, cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    path = Path(tempfile.mkdtemp()) / "learners.json"
    path.write_text(names)
    return path


def start(args, env):
    return subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=open("/tmp/dip-load-server.log", "a"))


def wait_up():
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start (see /tmp/dip-load-server.log)")


def cpu_seconds(pids) -> float:
    """User + system CPU seconds of these processes and their children so far."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        for proc in [pid, *_children(pid)]:
            try:
                fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
            except (OSError, IndexError):
                pass
    return total


def _children(pid):
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [int(k) for k in kids] + [g for k in kids for g in _children(int(k))]


HEADLINES: dict = {}


def session(label, env, servers, users_file) -> list[str]:
    """Start the servers, warm them, run the crowd, stop; return report lines."""
    import crowd

    procs = {name: start(args, env) for name, args in servers.items()}
    try:
        wait_up()
        for path in ("/login", "/healthz"):  # each worker imports its templates once
            for _ in range(8):
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=10).read()
        load = os.getloadavg()
        cpu_before = cpu_seconds([p.pid for p in procs.values()])
        figures = crowd.run(f"http://127.0.0.1:{PORT}", json.loads(users_file.read_text()),
                            PASSWORD, LEARNERS, ARRIVAL, STAY, THINK)
        cpu = cpu_seconds([p.pid for p in procs.values()]) - cpu_before
    finally:
        for p in procs.values():
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs.values():
            p.wait(timeout=30)
    HEADLINES[label] = {k: figures[k] for k in ("p50", "p95", "errors", "arrival_rate",
                                                 "learners", "requests")}
    HEADLINES[label]["load_average"] = load[0]
    return [f"### {label}", "",
            f"Load average before the run: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min). "
            f"Server CPU over the run: {cpu:.0f} s (every process), "
            f"{cpu * 1000 / max(1, figures['requests']):.1f} ms a request.", ""
            ] + crowd.table(figures)


def others(chosen) -> list:
    """The shapes LOAD_SHAPES names (e.g. ``2x4,2x16,4x2``) other than ``chosen``."""
    from dip import serving

    named = [serving.Shape(*map(int, part.split("x")))
             for part in os.environ.get("LOAD_SHAPES", "").split(",") if part]
    return [shape for shape in named if shape != chosen]


def main():
    from dip import serving

    setups = os.environ.get("LOAD_SETUPS", "sqlite,postgresql").split(",")
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    base.update(SECRET_KEY="load-test", LOG_LEVEL="WARNING", FLASK_APP="wsgi")
    lines = ["## Load: a class at once (issue 15)", "",
             f"`bench/load.py` with `bench/crowd.py`: {LEARNERS} learners arrive evenly over "
             f"{ARRIVAL:.0f} s ({LEARNERS / ARRIVAL:.1f} a second), sign in through the form, "
             f"then browse {STAY:.0f} s each (home, lessons, a lesson and its self-check, "
             f"assignments, earnings, proposals, portfolio) with {THINK:.0f} s (±⅓) between "
             "clicks, one click in eight a POST (self-check, lesson done, proposal draft). The "
             "crowd runs on the same two cores as the server. Goal (issue 15): p95 ≤ 300 ms and "
             "0 errors on each set-up. Before (the probe of issue 15, embedded set-up, 200 "
             "learners over 40 s, 3 s think time): p95 734 ms, 11 errors.", ""]
    upload = tempfile.mkdtemp()
    gunicorn = str(VENV / "gunicorn")
    if "sqlite" in setups:
        folder = tempfile.mkdtemp()
        env = {**base, "DATABASE_URL": f"sqlite:///{folder}/dip.sqlite3", "UPLOAD_PATH": upload}
        users = prepare(env, 2000)
        shape = serving.shape("sqlite")
        lines += [f"Embedded centre: SQLite file, no Redis (jobs in-process), gunicorn "
                  f"{shape.workers} processes × {shape.threads} threads as `scripts/serve` runs "
                  "it; 2,000 learners with 24 months of earnings.", ""]
        for other in others(shape):
            session(f"SQLite, {other.workers} × {other.threads}", env, {
                "gunicorn": [gunicorn, *serving.gunicorn_args(other), "-b", f"127.0.0.1:{PORT}",
                             "wsgi:app"]}, users)
        lines += session("Embedded centre (SQLite)", env, {
            "gunicorn": [gunicorn, *serving.gunicorn_args(shape), "-b", f"127.0.0.1:{PORT}",
                         "wsgi:app"]}, users)
        shutil.rmtree(folder, ignore_errors=True)
    if "postgresql" in setups:
        subprocess.run(["psql", PG + "/postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}"],
                       check=True)
        subprocess.run(["psql", PG + "/postgres", "-qc", f"CREATE DATABASE {DB}"], check=True)
        env = {**base, "DATABASE_URL": f"{PG}/{DB}", "REDIS_URL": REDIS,
               "UPLOAD_PATH": upload}
        subprocess.run([str(VENV / "python"), "-c",
                        f"import redis; redis.Redis.from_url('{REDIS}').flushdb()"], check=True)
        users = prepare(env, 10000)
        shape = serving.shape("postgresql")
        lines += [f"Production: PostgreSQL, Redis and one RQ worker, gunicorn {shape.workers} "
                  f"processes × {shape.threads} threads as deploy/dip-web.service runs it; "
                  "10,000 learners with 24 months of earnings.", ""]
        for other in others(shape):
            session(f"PostgreSQL, {other.workers} × {other.threads}", env, {
                "gunicorn": [gunicorn, *serving.gunicorn_args(other), "-b", f"127.0.0.1:{PORT}",
                             "wsgi:app"],
                "rq worker": [str(VENV / "flask"), "--app", "wsgi", "dip", "worker"]}, users)
        lines += session("Production (PostgreSQL + Redis)", env, {
            "gunicorn": [gunicorn, *serving.gunicorn_args(shape), "-b", f"127.0.0.1:{PORT}",
                         "wsgi:app"],
            "rq worker": [str(VENV / "flask"), "--app", "wsgi", "dip", "worker"]}, users)
    out = Path(os.environ.get("LOAD_OUT") or ROOT / "bench" / "results" / "load.md")
    compared = {k: v for k, v in HEADLINES.items() if " × " in k}
    if compared:  # LOAD_SHAPES: the other shapes tried, beside the chosen ones
        lines += ["### Server shape: the same crowd on other shapes (`LOAD_SHAPES`)", "",
                  "| set-up, processes × threads | p50 ms | p95 ms | errors | requests | "
                  "load average before |", "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {k} | {v['p50']:.0f} | {v['p95']:.0f} | {v['errors']} | {v['requests']:,} | "
                  f"{v['load_average']:.1f} |" for k, v in compared.items()] + [""]
    out.write_text("\n".join(lines) + "\n")
    (out.parent / "load.json").write_text(json.dumps(
        {k: v for k, v in HEADLINES.items() if " × " not in k}))
    print(out.read_text())


if __name__ == "__main__":
    main()
