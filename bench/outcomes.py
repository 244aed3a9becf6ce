"""Reviewer dashboard on a 10,000-learner dataset: server time (median of N) and queries per page.

    .venv/bin/python bench/outcomes.py            # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_outcomes \
        .venv/bin/python bench/outcomes.py            # and PostgreSQL

Writes bench/results/outcomes.md. Uses bench/dataset.py (the earnings helper's generator) when
it exists; otherwise generates sites, cohorts, learners, MonthlyIncome rows and endline surveys
with bulk inserts. Where the assignments or earnings features are not in the tree yet, the same
stand-ins as tests/outcomes use are installed (one query each, as the real contracts cost).
"""
import gzip
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
SITES = ["Dzaleka", "Kakuma", "Azraq", "Nakivale"]
PER_COHORT = 40
PASSWORD = "bench-password"


def _stand_ins(db):
    """Install stand-ins for contracts of features not in the tree; return labels of those used."""
    from sqlalchemy import select

    from dip.modules.outcomes import indicators as ind
    from dip.modules.programs.models import LearnerProfile

    used = []
    try:
        from dip.modules.earnings.models import MonthlyIncome
    except ImportError:
        from tests.outcomes.conftest import StandInMonthlyIncome, _registry

        _registry.metadata.create_all(db.engine)
        MonthlyIncome = StandInMonthlyIncome
        ind._monthly_income = lambda: StandInMonthlyIncome
        used.append("MonthlyIncome (earnings feature absent: stand-in table)")
    try:
        from dip.modules.assignments.services import completed_learner_ids  # noqa: F401
    except ImportError:
        def completed(cohort_ids):
            return set(db.session.scalars(select(LearnerProfile.user_id).where(
                LearnerProfile.cohort_id.in_(cohort_ids), LearnerProfile.user_id % 5 != 0)))

        ind._completed_ids = completed
        used.append("completed_learner_ids (assignments feature absent: one-query stand-in)")
    return MonthlyIncome, used


def generate(db, MonthlyIncome):
    """Bulk-insert sites, cohorts, LEARNERS learners, a year of income and endline surveys."""
    from sqlalchemy import insert
    from werkzeug.security import generate_password_hash

    from dip.modules.accounts.models import User
    from dip.modules.outcomes.models import SurveyResponse
    from dip.modules.programs.models import Cohort, LearnerProfile, Site, SiteGrant
    from dip.modules.programs.services import add_months

    rnd = random.Random(7)
    hashed = generate_password_hash(PASSWORD)
    sites = [Site(name=n, country=c, currency=cur, timezone=tz) for n, c, cur, tz in zip(
        SITES, ["MW", "KE", "JO", "UG"], ["MWK", "KES", "JOD", "UGX"],
        ["Africa/Blantyre", "Africa/Nairobi", "Asia/Amman", "Africa/Kampala"])]
    db.session.add_all(sites)
    db.session.flush()
    cohort_count = LEARNERS // PER_COHORT
    cohorts = []
    for i in range(cohort_count):
        start = add_months(date(2024, 1, 8), (i // len(SITES)) % 30)
        cohorts.append(Cohort(site_id=sites[i % len(SITES)].id, name=f"C{i:04d}", start_date=start,
                              end_date=add_months(start, 6)))
    db.session.add_all(cohorts)
    reviewer = User(username="reviewer", display_name="Reviewer", password_hash=hashed,
                    role="reviewer", must_change_password=False)
    db.session.add(reviewer)
    db.session.flush()
    db.session.execute(insert(SiteGrant), [{"user_id": reviewer.id, "site_id": s.id} for s in sites])
    users = [{"username": f"l{i:05d}", "display_name": f"Learner {i}", "password_hash": hashed,
              "role": "learner", "must_change_password": False, "language": "en", "active": True,
              "session_token": f"t{i}"} for i in range(LEARNERS)]
    db.session.execute(insert(User), users)
    ids = list(db.session.scalars(db.select(User.id).where(User.role == "learner").order_by(User.id)))
    profiles, incomes, surveys = [], [], []
    for n, user_id in enumerate(ids):
        cohort = cohorts[n % cohort_count]
        profiles.append({
            "user_id": user_id, "cohort_id": cohort.id, "code": f"L-{n:06d}",
            "enrolled_on": cohort.start_date, "baseline_income_usd": Decimal(rnd.choice([0, 0, 0, 20, 50])),
            "gender": rnd.choice(["female", "male", "female", "other"]),
            "age_band": rnd.choice(["18-24", "25-34", "35-44", "45+"]),
            "country_of_origin": rnd.choice(["CD", "BI", "RW", "SO", "SS", "SD", "ET", "SY"])})
        month = add_months(cohort.start_date.replace(day=1), 2)
        for _ in range(12):
            if rnd.random() < 0.6:
                incomes.append({"learner_id": user_id, "month": month,
                                "total_usd": Decimal(rnd.randint(5, 900)), "entry_count": rnd.randint(1, 6)})
            month = add_months(month, 1)
        if rnd.random() < 0.7:
            surveys.append({"learner_id": user_id, "kind": "endline",
                            "daily_use": rnd.choice(["daily", "daily", "weekly", "rarely"]),
                            "confidence": rnd.randint(1, 5), "integrated": rnd.choice(["yes", "yes", "somewhat", "no"]),
                            "self_employed": rnd.random() < 0.5, "income_change": "higher"})
    db.session.execute(insert(LearnerProfile), profiles)
    db.session.execute(insert(MonthlyIncome), incomes)
    db.session.execute(insert(SurveyResponse), surveys)
    db.session.commit()
    return sites, len(incomes)


def measure(url: str, tmp: str) -> list[str]:
    """Generate the dataset at ``url``, time the reviewer dashboard, return a results section."""
    os.environ["DATABASE_URL"] = url
    from flask_migrate import upgrade
    from sqlalchemy import event, text

    from dip import create_app
    from dip.extensions import db

    app = create_app({"UPLOAD_PATH": f"{tmp}/uploads", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url)})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
        MonthlyIncome, stand_ins = _stand_ins(db)
        started = time.perf_counter()
        sites, income_rows = generate(db, MonthlyIncome)
        generated = time.perf_counter() - started
        site_ids = [s.id for s in sites]
        first_cohort = db.session.scalar(text("SELECT min(id) FROM cohorts WHERE site_id=:s"),
                                         {"s": site_ids[0]})
        queries = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(1))
    client = app.test_client()
    client.post("/login", data={"username": "reviewer", "password": PASSWORD})
    pages = [
        ("whole program, last 12 months", "/outcomes/"),
        ("one site (2,500 learners), last 12 months", f"/outcomes/?scope=s{site_ids[0]}"),
        ("one site, 2024-01-01..2026-06-30",
         f"/outcomes/?scope=s{site_ids[0]}&start=2024-01-01&end=2026-06-30"),
        ("one cohort (40 learners) beside the previous", f"/outcomes/?scope=c{first_cohort + 8}"),
    ]
    rows = []
    for label, path in pages:
        client.get(path)  # warm-up
        times, counts = [], []
        for _ in range(RUNS):
            queries.clear()
            t0 = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - t0) * 1000)
            counts.append(len(queries))
            assert response.status_code == 200, response.status_code
        html = response.get_data()
        rows.append((label, path, statistics.median(times), min(times), max(times), max(counts),
                     len(html), len(gzip.compress(html, 9))))
    with app.app_context():
        db.engine.dispose()
    engine = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    lines = [
        f"### {engine}",
        "",
        f"{LEARNERS:,} learners in {LEARNERS // PER_COHORT} cohorts at {len(SITES)} sites, "
        f"{income_rows:,} MonthlyIncome rows, endline answers from ~70% (bulk inserts, "
        f"{generated:.1f} s).",
        "",
        "| page | median ms | min ms | max ms | queries | HTML bytes | gzip bytes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ] + [f"| {label} (`{path}`) | {med:.0f} | {lo:.0f} | {hi:.0f} | {q} | {raw:,} | {gz:,} |"
         for label, path, med, lo, hi, q, raw, gz in rows]
    if stand_ins:
        lines += ["", "Stand-ins used: " + "; ".join(stand_ins) + "."]
    return lines + [""]


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql") else url


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
