"""Reviewer dashboard on a 10,000-learner dataset: server time (median of N) and queries per page.

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
    client = app.test_client()
    client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    pages = [
        ("whole program, last 12 months", "/outcomes/"),
        ("one site (a quarter of the learners), last 12 months", f"/outcomes/?scope=s{site_ids[0]}"),
        ("one site, 2024-01-01..2026-06-30",
         f"/outcomes/?scope=s{site_ids[0]}&start=2024-01-01&end=2026-06-30"),
        ("one cohort (40 learners) beside the previous", f"/outcomes/?scope=c{first_cohort + 8}"),
    ]
    rows = []
    for label, path in pages:
        client.get(path)  # warm-up
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
        rows.append((label, path, statistics.median(cpus), statistics.median(times), min(times),
                     max(times), max(counts), len(html), len(gzip.compress(html, 9))))
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
        "| page | median CPU ms | median ms | min ms | max ms | queries | HTML bytes | gzip bytes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ] + [f"| {label} (`{path}`) | {cpu:.1f} | {med:.0f} | {lo:.0f} | {hi:.0f} | {q} | {raw:,} "
         f"| {gz:,} |" for label, path, cpu, med, lo, hi, q, raw, gz in rows]
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
        "Signed in as a reviewer granted every site; each page computes the headline, the "
        "comparison column (previous cohort or previous period), income by month and three "
        "disaggregations with suppression, and writes an audit entry. Server time measured "
        f"in-process (Flask test client), median of {RUNS} after a warm-up; queries counted "
        "with an engine event; HTML size without the stylesheet (the page budget test adds it).",
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
