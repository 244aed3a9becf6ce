"""Server CPU per learner page view (issue 15's goal: ≤ 10 ms) and what each view queries.

    .venv/bin/python bench/learner_pages.py   # writes bench/results/learner_pages.md

Builds the demo database (SQLite), signs in as ``learner01`` with the test client and, for each
learner page, takes the process CPU time (``time.process_time``: the app, SQLite and the test
client, user + system) of one GET, median of RUNS after three warm-up views (a running server's
caches filled). Beside it: the SQL statements one view runs and how many lesson bodies
(``curriculum_lessons.texts``) they read. ``BENCH_ROOT`` runs it against another checkout
and ``BENCH_LABEL`` names the column, for a "before" figure.

On a shared host the machine's speed drifts by half from one minute to the next, so two
columns taken minutes apart compare the host as much as the code. ``BENCH_AGAINST=<checkout>``
(and ``BENCH_AGAINST_LABEL``) measures side by side instead: this code and that checkout each in
its own process, one view of a page in each by turns (who goes first alternating), and gives
the median of the paired ratios, which the drift cancels out of
(bench/results/learner_pages_pairs.md).
"""
import logging
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_RUNS", "41"))
SETS = int(os.environ.get("BENCH_SETS", "3"))
PAGES = {
    "home": "/",
    "lessons index": "/learn/",
    "a module": "/learn/spreadsheets/",
    "a lesson": "/learn/spreadsheets/sum-average-if",
    "a self-check": "/learn/spreadsheets/sum-average-if/check",
    "assignments": "/assignments/",
    "an assignment": "/assignments/2",
    "earnings": "/earnings/",
    "proposals": "/proposals/",
    "portfolio": "/portfolio/",
}
BODY_RE = re.compile(r"\bcurriculum_lessons\.texts\b", re.I)


def build():
    """A demo database and an app on it."""
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from dip import create_app

    app = create_app({"WTF_CSRF_ENABLED": False, "UPLOAD_PATH": f"{tmp}/uploads"})
    logging.getLogger("dip.access").setLevel(logging.WARNING)
    with app.app_context():
        upgrade(revision="heads")
        runner = app.test_cli_runner()
        runner.invoke(args=["dip", "curriculum", "sync"])
        runner.invoke(args=["dip", "demo"])
    return app


def statements(app, client, url) -> list[str]:
    """The SQL statements one GET of ``url`` runs."""
    from sqlalchemy import event

    from dip.extensions import db

    with app.app_context():
        engine = db.engine
    seen = []
    listener = lambda _c, _cur, sql, *_a: seen.append(sql)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return seen


def measure(app) -> list[tuple[str, str, float, int, int, float]]:
    """(name, url, median CPU ms, statements, statements reading lesson bodies, highest median)
    per page."""
    from dip.cli import DEMO_PASSWORD

    client = app.test_client()
    client.post("/login", data={"username": "learner01", "password": DEMO_PASSWORD})
    only = os.environ.get("BENCH_PAGES")  # e.g. "home,a lesson": a quick look at a few
    pages = {name: url for name, url in PAGES.items() if not only or name in only.split(",")}
    for name, url in list(pages.items()):
        for _ in range(3):
            response = client.get(url)
            if response.status_code in (404, 405):  # a page an older checkout does not have
                del pages[name]
                break
            assert response.status_code == 200, (url, response.status_code)
    # Round after round of one view of each page, not each page's views in a block: on a shared
    # host the machine's speed drifts over seconds, and a slow spell then weighs on every page
    # alike instead of on whichever page it fell on. The whole measure is taken SETS times and
    # each page keeps its lowest median: other tenants only ever add time.
    medians = {url: [] for url in pages.values()}
    for _ in range(SETS):
        times = {url: [] for url in pages.values()}
        for _ in range(RUNS):
            for url in pages.values():
                start = time.process_time()
                client.get(url)
                times[url].append((time.process_time() - start) * 1000)
        for url, values in times.items():
            medians[url].append(statistics.median(values))
    rows = []
    for name, url in pages.items():
        sql = statements(app, client, url)
        rows.append((name, url, min(medians[url]), len(sql),
                     sum(1 for s in sql if BODY_RE.search(s)), max(medians[url])))
    return rows


HEAD = """## Learner pages: server CPU per view

`bench/learner_pages.py`: the demo database (SQLite), signed in as `learner01` through the test
client; process CPU time (`time.process_time`, user + system: the app, SQLite and the test client)
of one GET, median of {runs} views taken in turn with the other pages after three warm-up views;
the lowest of {sets} such medians (the highest is given below). Goal (issue 15): ≤ 10 ms.
"queries" is the SQL statements one view runs; "bodies" how many of them read lesson text (only
a lesson page should). A "before" column is the same script on the older checkout
(`BENCH_ROOT=… BENCH_LABEL=…`).
"""


def worker():
    """``--worker``: sign in, then for each page path read on stdin print one view's CPU ms."""
    from dip.cli import DEMO_PASSWORD

    client = build().test_client()
    client.post("/login", data={"username": "learner01", "password": DEMO_PASSWORD})
    print("ready", flush=True)
    for line in sys.stdin:
        start = time.process_time()
        status = client.get(line.strip()).status_code
        print(f"{(time.process_time() - start) * 1000:.4f} {status}", flush=True)


def side_by_side(other: str, other_label: str) -> None:
    """This code and checkout ``other`` in turn, view by view (results/learner_pages_pairs.md)."""
    import subprocess

    here = str(Path(__file__).resolve().parent.parent)
    procs = {}
    for name, root in (("this", here), ("other", other)):
        env = {**os.environ, "BENCH_ROOT": root}
        proc = subprocess.Popen([sys.executable, __file__, "--worker"], env=env, text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL)
        assert proc.stdout.readline().strip() == "ready", f"{name} did not start"
        procs[name] = proc

    def view(name, url):
        proc = procs[name]
        proc.stdin.write(url + "\n")
        proc.stdin.flush()
        ms, status = proc.stdout.readline().split()
        return float(ms), int(status)

    pages = {}
    for name, url in PAGES.items():
        if all(view(p, url)[1] == 200 for p in procs for _ in range(3)):
            pages[name] = url  # (a page the other checkout does not have is left out)
    times = {(p, url): [] for p in procs for url in pages.values()}
    for n in range(RUNS * SETS):
        for url in pages.values():
            for p in (("this", "other") if n % 2 else ("other", "this")):
                times[p, url].append(view(p, url)[0])
    for proc in procs.values():
        proc.stdin.close()
        proc.wait()
    lines = [f"## Learner pages side by side with {other_label}", "",
             f"`BENCH_AGAINST=… bench/learner_pages.py`: this code and {other_label}, each in its "
             f"own process on the demo database, one view of a page in each by turns "
             f"({RUNS * SETS} pairs a page, who goes first alternating). The ratio is the "
             "median of each pair's ratio (this ÷ other): the host's drift, which moves both "
             "views of a pair alike, cancels out of it, where it does not out of two columns "
             "taken minutes apart.", "",
             f"| page | this: CPU ms | {other_label}: CPU ms | ratio |", "|---|---:|---:|---:|"]
    for name, url in pages.items():
        mine, theirs = times["this", url], times["other", url]
        ratio = statistics.median(a / b for a, b in zip(mine, theirs))
        lines.append(f"| {name} (`{url}`) | {statistics.median(mine):.1f} | "
                     f"{statistics.median(theirs):.1f} | {ratio:.2f} |")
        print(lines[-1])
    out = Path(__file__).resolve().parent / "results" / "learner_pages_pairs.md"
    kept = out.read_text().split("\n## ") if out.exists() else []
    # One section per checkout compared with: a new run replaces the same label's section.
    title = lines[0].removeprefix("## ") + "\n"
    others = ["## " + k.removeprefix("## ") for k in kept
              if k.strip() and not k.removeprefix("## ").startswith(title)]
    out.write_text("\n\n".join([*(o.rstrip() for o in others), "\n".join(lines)]) + "\n")


def main():
    if os.environ.get("BENCH_AGAINST"):
        side_by_side(os.environ["BENCH_AGAINST"], os.environ.get("BENCH_AGAINST_LABEL", "other"))
        return
    label = os.environ.get("BENCH_LABEL", "after")
    rows = measure(build())
    for name, url, ms, n, bodies, _highest in rows:
        print(f"{name:15} {url:40} {ms:6.1f} ms  {n:3} queries  {bodies} bodies")
    out = Path(os.environ.get("BENCH_OUT") or Path(__file__).resolve().parent / "results"
               / "learner_pages.md")
    kept = {}  # label -> {url: (ms, n, bodies)} from earlier runs (a "before" column)
    if out.exists():
        for line in out.read_text().splitlines():
            m = re.match(r"<!-- (.+?) \| (.+?) \| ([\d.]+) \| (\d+) \| (\d+) -->", line)
            if m:
                kept.setdefault(m[1], {})[m[2]] = (float(m[3]), int(m[4]), int(m[5]))
    kept[label] = {url: (ms, n, b) for _name, url, ms, n, b, _highest in rows}
    labels = sorted(kept, key=lambda k: (k != "before", k))
    lines = [HEAD.format(runs=RUNS, sets=SETS), "| page | " + " | ".join(
        f"{lab}: CPU ms | {lab}: queries | {lab}: bodies" for lab in labels) + " |",
        "|---|" + "---:|---:|---:|" * len(labels)]
    for name, url in PAGES.items():
        cells = []
        for lab in labels:
            if url in kept[lab]:
                ms, n, b = kept[lab][url]
                cells += [f"{ms:.1f}", str(n), str(b)]
            else:  # a page that checkout did not have
                cells += ["–"] * 3
        lines.append(f"| {name} (`{url}`) | " + " | ".join(cells) + " |")
    lines += ["", f"Highest of the {SETS} medians ({label}): " + ", ".join(
        f"{name} {highest:.1f} ms" for name, _url, _ms, _n, _b, highest in rows) + ".",
        ""]
    lines += [f"<!-- {lab} | {url} | {v[0]:.2f} | {v[1]} | {v[2]} -->"
              for lab in labels for url, v in kept[lab].items()]
    out.write_text("\n".join(lines) + "\n")
    if label == "after":  # the headline for BENCHMARKS.md's summary (bench/summary.py)
        import json

        (out.parent / "learner_pages.json").write_text(json.dumps(
            {name: ms for name, _url, ms, _n, _b, _highest in rows}))


if __name__ == "__main__":
    worker() if sys.argv[1:] == ["--worker"] else main()
