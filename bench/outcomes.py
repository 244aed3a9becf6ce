"""Outcome dashboards on a 10,000-learner dataset: server CPU and time per view (median of N),
the first view after a change of the data (the one recompute), and queries per page.

    .venv/bin/python bench/outcomes.py            # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_outcomes \
        .venv/bin/python bench/outcomes.py            # and PostgreSQL

Writes bench/results/outcomes.md. The dataset is bench/dataset.py's (the one the earnings and
load benchmarks use), with its earnings entries, monthly income and endline answers.
"""
import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
from bench.common import fresh_app  # noqa: E402
from bench.dataset import PASSWORD  # noqa: E402


def measure(url: str, tmp: str) -> list[str]:
    """Generate the dataset at ``url``, time the reviewer dashboard, return a results section."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import event, text

    from bench.dataset import generate
    from dip.extensions import db

    app = fresh_app(url, UPLOAD_PATH=f"{tmp}/uploads")
    with app.app_context():
        started = time.perf_counter()
        data = generate(LEARNERS)
        generated = time.perf_counter() - started
        site_ids = list(db.session.scalars(text("SELECT id FROM sites ORDER BY id")))
        first_cohort = db.session.scalar(text("SELECT min(id) FROM cohorts WHERE site_id=:s"),
                                         {"s": site_ids[0]})
        queries = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(1))
    clients = {}
    for who in ("reviewer", f"c{os.environ.get('BENCH_SITE', 'dzaleka')}"):
        clients[who] = app.test_client()
        clients[who].post("/login", data={"username": who, "password": PASSWORD})
    coordinator = [k for k in clients if k != "reviewer"][0]
    pages = [
        ("reviewer: whole program, last quarter", "reviewer", "/outcomes/"),
        ("reviewer: one site (a quarter of the learners), last quarter", "reviewer",
         f"/outcomes/?scope=s{site_ids[0]}"),
        ("reviewer: one site, one month", "reviewer",
         f"/outcomes/?scope=s{site_ids[0]}&period={os.environ.get('BENCH_MONTH', '2026-06')}"),
        ("coordinator: one site, 2024-01-01..2026-06-30", coordinator,
         f"/outcomes/?scope=s{site_ids[0]}&start=2024-01-01&end=2026-06-30"),
        ("coordinator: one cohort (40 learners) beside the previous", coordinator,
         f"/outcomes/?scope=c{first_cohort + 8}"),
    ]
    rows = []
    for label, who, path in pages:
        client = clients[who]
        try:
            from dip.modules.outcomes import cache
        except ImportError:  # before kept figures
            cache = None
        if cache:
            cache.clear()
        c0 = time.process_time()
        first = client.get(path)
        cold = (time.process_time() - c0) * 1000
        assert first.status_code == 200, (path, first.status_code)
        times, cpus, counts = [], [], []
        for _ in range(RUNS):
            queries.clear()
            t0, c0 = time.perf_counter(), time.process_time()
            response = client.get(path)
            cpus.append((time.process_time() - c0) * 1000)
            times.append((time.perf_counter() - t0) * 1000)
            counts.append(len(queries))
            assert response.status_code == 200, response.status_code
        html = response.get_data()
        rows.append((label, path, cold, statistics.median(cpus), statistics.median(times),
                      min(times), max(times), max(counts), len(html), len(gzip.compress(html, 9))))
    with app.app_context():
        db.engine.dispose()
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    lines = [
        f"### {engine}",
        "",
        f"The dataset of `bench/dataset.py`: {data['learners']:,} learners in "
        f"{data['cohorts']} cohorts at {data['sites']} sites, {data['entries']:,} earnings "
        f"entries, {data['income_rows']:,} MonthlyIncome rows, {data['surveys']:,} endline "
        f"answers (generated and recomputed in {generated:.0f} s).",
        "",
        "| page | first view CPU ms | median CPU ms | median ms | min ms | max ms | queries "
        "| HTML bytes | gzip bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ] + [f"| {label} (`{path}`) | {cold:.0f} | {cpu:.1f} | {med:.0f} | {lo:.0f} | {hi:.0f} "
         f"| {q} | {raw:,} | {gz:,} |"
         for label, path, cold, cpu, med, lo, hi, q, raw, gz in rows]
    return lines + [""]


def main():
    """Measure on SQLite (and PostgreSQL when BENCH_DATABASE_URL is set); write the results."""
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.pop("REDIS_URL", None)
    urls = [f"sqlite:///{tmp}/bench.sqlite3"]
    if os.environ.get("BENCH_DATABASE_URL"):
        urls.append(os.environ["BENCH_DATABASE_URL"])
    lines = [
        "## Outcomes: reviewer dashboard",
        "",
        "A reviewer granted every site reads published periods (the last complete quarter, a "
        "month); a coordinator reads a free window and a cohort. Each page shows the headline, "
        "the comparison column, income by month and three breakdowns with suppression; a "
        "reviewer's view writes an audit entry. 'First view' is the CPU of the view right after "
        "the kept figures were dropped (what the first reader pays after any change of the "
        "data); then CPU (time.process_time) and wall time in-process (Flask test client), "
        f"median of {RUNS}; queries counted with an engine event; HTML size without the "
        "stylesheet.",
        "",
    ]
    for url in urls:
        lines += measure(url, tmp)
    out = ROOT / "bench" / "results" / "outcomes.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
