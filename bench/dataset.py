"""Generate a benchmark dataset: sites, cohorts, staff, N learners × 24 months of earnings entries.

    DATABASE_URL=... .venv/bin/python bench/dataset.py [--learners 10000] [--months 24]

About two entries a learner-month (10,000 learners give about 480,000 entries), 70 % in
US dollars and the rest in the site's currency, with a rate for every month, then a full
recompute of monthly income. Bulk inserts throughout; the database is migrated first.
Staff and learners share one password, ``bench-password``; learners are l00000, l00001…,
trainers t0000…, coordinators c<site>, the reviewer ``reviewer``.
"""
import argparse
import os
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "bench-password"
SITES = [("Dzaleka", "MW", "MWK", "Africa/Blantyre", Decimal("1735")),
         ("Kakuma", "KE", "KES", "Africa/Nairobi", Decimal("129")),
         ("Azraq", "JO", "JOD", "Asia/Amman", Decimal("0.709")),
         ("Nakivale", "UG", "UGX", "Africa/Kampala", Decimal("3700"))]
PER_COHORT = 40
CHUNK = 20_000


def months_back(end: date, count: int) -> list[date]:
    """The ``count`` months ending with ``end``'s month, oldest first."""
    index = end.year * 12 + end.month - 1
    return [date((i // 12), i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def generate(learners: int, months: int = 24, seed: int = 7, recompute: bool = True) -> dict:
    """Fill the current app's (empty, migrated) database; return counts. Needs an app context."""
    from sqlalchemy import insert, select
    from werkzeug.security import generate_password_hash

    from dip.core.clock import today
    from dip.extensions import db
    from dip.modules.accounts.models import User
    from dip.modules.earnings.models import EarningEntry, ExchangeRate
    from dip.modules.programs.models import Cohort, CohortTrainer, LearnerProfile, Site, SiteGrant
    from dip.modules.programs.services import add_months

    rnd = random.Random(seed)
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    span = months_back(today().replace(day=1), months)

    def user(username, name, role):
        return {"username": username, "display_name": name, "password_hash": hashed, "role": role,
                "must_change_password": False, "language": "en", "active": True,
                "session_token": username[:32]}

    sites = [Site(name=n, country=c, currency=cur, timezone=tz) for n, c, cur, tz, _r in SITES]
    db.session.add_all(sites)
    db.session.flush()
    cohort_count = max(1, learners // PER_COHORT)
    cohorts = []
    for i in range(cohort_count):
        start = add_months(span[0], (i // len(sites)) % max(1, months - 6))
        cohorts.append(Cohort(site_id=sites[i % len(sites)].id, name=f"C{i:04d}",
                              start_date=start.replace(day=8),
                              end_date=add_months(start.replace(day=8), 6)))
    db.session.add_all(cohorts)
    db.session.flush()
    staff = [user(f"t{i:04d}", f"Trainer {i}", "trainer") for i in range(cohort_count)]
    staff += [user(f"c{s.name.lower()}", f"Coordinator {s.name}", "coordinator") for s in sites]
    staff += [user("reviewer", "Reviewer", "reviewer"), user("admin", "Admin", "admin")]
    db.session.execute(insert(User), staff)
    ids = dict(db.session.execute(select(User.username, User.id)).all())
    db.session.execute(insert(CohortTrainer), [
        {"user_id": ids[f"t{i:04d}"], "cohort_id": c.id} for i, c in enumerate(cohorts)])
    db.session.execute(insert(SiteGrant), [
        {"user_id": ids[f"c{s.name.lower()}"], "site_id": s.id} for s in sites]
        + [{"user_id": ids["reviewer"], "site_id": s.id} for s in sites])
    for start in range(0, learners, CHUNK):
        db.session.execute(insert(User), [user(f"l{i:05d}", f"Learner {i}", "learner")
                                          for i in range(start, min(learners, start + CHUNK))])
    learner_ids = list(db.session.scalars(select(User.id).where(User.role == "learner")
                                          .order_by(User.id)))
    currency_of = {s.id: s.currency for s in sites}
    profiles, entries, total = [], [], 0
    for n, learner_id in enumerate(learner_ids):
        cohort = cohorts[n % cohort_count]
        profiles.append({"user_id": learner_id, "cohort_id": cohort.id, "code": f"L-{n:06d}",
                         "enrolled_on": cohort.start_date,
                         "baseline_income_usd": Decimal(rnd.choice([0, 0, 0, 20, 50])),
                         "gender": rnd.choice(["female", "male"]),
                         "age_band": rnd.choice(["18-24", "25-34", "35-44", "45+"]),
                         "country_of_origin": rnd.choice(["CD", "BI", "RW", "SO", "SS"])})
        local = currency_of[cohort.site_id]
        for month in span:
            for k in range(rnd.choice((0, 1, 2, 2, 3, 4))):
                usd = rnd.random() < 0.7
                amount = Decimal(rnd.randint(500, 30000)) / 100
                if rnd.random() < 0.05:
                    amount = -amount / 10
                entries.append({
                    "learner_id": learner_id, "earned_on": month.replace(day=rnd.randint(1, 28)),
                    "amount": amount.quantize(Decimal("0.01")) if usd else
                    (amount * 100).quantize(Decimal("0.01")),
                    "currency": "USD" if usd else local,
                    "platform": "upwork" if usd else "local", "client": "Client", "kind": "other",
                    "note": "", "source": "manual", "natural_key": f"bench:{learner_id}:{month}:{k}",
                    "verified": False})
        if len(entries) >= CHUNK:
            db.session.execute(insert(EarningEntry), entries)
            total += len(entries)
            entries = []
    if entries:
        db.session.execute(insert(EarningEntry), entries)
        total += len(entries)
    for start in range(0, len(profiles), CHUNK):
        db.session.execute(insert(LearnerProfile), profiles[start:start + CHUNK])
    # Endline answers from about 70% of the learners whose cohort has ended.
    from dip.modules.outcomes.models import SurveyResponse

    ended = {c.id for c in cohorts if c.end_date <= today()}
    surveys = [{"learner_id": p["user_id"], "kind": "endline",
                "daily_use": rnd.choice(["daily", "daily", "weekly", "rarely"]),
                "confidence": rnd.randint(1, 5),
                "integrated": rnd.choice(["yes", "yes", "yes", "somewhat", "no"]),
                "self_employed": rnd.random() < 0.6, "income_change": "higher"}
               for p in profiles if p["cohort_id"] in ended and rnd.random() < 0.7]
    for start in range(0, len(surveys), CHUNK):
        db.session.execute(insert(SurveyResponse), surveys[start:start + CHUNK])
    db.session.execute(insert(ExchangeRate), [
        {"currency": cur, "month": m, "rate_to_usd": (1 / rate).quantize(Decimal("1e-12"))}
        for _n, _c, cur, _tz, rate in SITES for m in span])
    db.session.commit()
    rows = 0
    if recompute:
        from dip.modules.earnings.income import recompute_all

        rows = recompute_all()
    return {"learners": len(learner_ids), "entries": total, "cohorts": cohort_count,
            "months": months, "income_rows": rows, "surveys": len(surveys), "sites": len(sites)}


def main() -> None:
    """Migrate the database at DATABASE_URL and generate the dataset into it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench")
    from flask_migrate import upgrade

    from dip import create_app

    app = create_app()
    with app.app_context():
        upgrade(revision="heads")
        started = time.perf_counter()
        counts = generate(args.learners, args.months, args.seed)
        print(f"dataset: {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
