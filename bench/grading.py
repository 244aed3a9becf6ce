"""Grading queue and gradebook for one cohort of 60 learners × 12 assignments.

    .venv/bin/python bench/grading.py   # writes bench/results/grading.md

For each page: first-view size (HTML + CSS + JS, gzip -9), SQL statements per request
(with 6 and with 60 learners, to show the count does not grow) and the median server time
over repeated requests through the WSGI test client (SQLite; no network).
"""
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import common  # noqa: E402
from bench.common import first_view, queries  # noqa: E402
BUDGET = 14 * 1024
LEARNERS, ASSIGNMENTS, RUNS = 60, 12, 25
PASSWORD = "bench password 42"


def build(learners: int, graded_share: float):
    """A site, a cohort, a trainer, ``learners`` learners, 12 assignments, every one sent."""
    from datetime import date, timedelta

    from dip.core.access import Role
    from dip.extensions import db
    from dip.modules.accounts.services import create_user
    from dip.modules.assignments import completion, services
    from dip.modules.assignments.models import Assignment
    from dip.modules.programs.services import create_cohort, create_site, place

    site = create_site(f"Site {learners}", "MW", "MWK", "Africa/Blantyre")
    cohort = create_cohort(site, "Bench", date.today() - timedelta(weeks=20))
    trainer, _ = create_user(f"trainer{learners}", "Trainer", Role.TRAINER, PASSWORD,
                             must_change_password=False)
    place(trainer, cohort=cohort)
    people = []
    for i in range(learners):
        user, _ = create_user(f"l{learners}-{i:03d}", f"Learner Number {i:03d}", Role.LEARNER,
                              PASSWORD, must_change_password=False)
        place(user, cohort=cohort)
        people.append(user)
    db.session.commit()
    rubric = [{"criterion": "Complete", "points": 5}, {"criterion": "Clear", "points": 5}]
    work = []
    for n in range(ASSIGNMENTS):
        a = Assignment(cohort_id=cohort.id, title=f"Assignment {n + 1} of the module", titles={},
                       kind="text", due_week=n + 2, required=True, rubric=rubric, accept=[],
                       checks=[], instructions="Write it.")
        db.session.add(a)
        work.append(a)
    db.session.commit()
    days = [date.today() - timedelta(days=d + 1) for d in range(10)]
    for day in days:
        completion.take_attendance(cohort.id, day, {p.id: "present" for p in people}, trainer.id)
    count = 0
    for a in work:
        for p in people:
            sub = services.submit(a, p.id, text="A short answer of a few words. " * 5)
            count += 1
            if count <= graded_share * learners * ASSIGNMENTS:
                services.grade(sub, trainer.id, [4, 3], "Good work, keep going.", returned=False)
    return cohort.id, trainer.username


def login(app, username):
    return common.login(app, username, PASSWORD)


def median_ms(client, url) -> float:
    return common.median_ms(lambda: client.get(url), RUNS)


def main():
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from dip import create_app

    app = create_app({"UPLOAD_PATH": f"{tmp}/uploads", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    rows = []
    with app.app_context():
        upgrade(revision="heads")
        # Worst case for the queue: nothing graded yet; for the gradebook: everything graded.
        small_q, small_t = build(6, 0.0)
        queue_cohort, queue_trainer = build(LEARNERS, 0.0)
    book_cohort_id = queue_cohort
    small, big = login(app, small_t), login(app, queue_trainer)
    for label, path in (("grading queue (720 waiting, oldest 100 listed)", "/grading/"),
                        ("gradebook (nothing graded)", f"/cohorts/{book_cohort_id}/gradebook")):
        small_path = path if path == "/grading/" else f"/cohorts/{small_q}/gradebook"
        raw, packed = first_view(big, path)
        rows.append((label, raw, packed, queries(app, small, small_path), queries(app, big, path),
                     median_ms(big, path)))
    # Grade everything, then measure the gradebook and the (now empty) queue again.
    with app.app_context():
        from sqlalchemy import select

        from dip.extensions import db
        from dip.modules.assignments.models import Submission

        for sub in db.session.scalars(select(Submission).where(Submission.status == "submitted")):
            sub.scores, sub.score, sub.max_score, sub.status = [4, 3], 7, 10, "graded"
        db.session.commit()
    path = f"/cohorts/{book_cohort_id}/gradebook"
    raw, packed = first_view(big, path)
    rows.append(("gradebook (all 720 graded)", raw, packed,
                 queries(app, small, f"/cohorts/{small_q}/gradebook"), queries(app, big, path),
                 median_ms(big, path)))
    for label, url in (("gradebook CSV", path + ".csv"), ("gradebook XLSX", path + ".xlsx")):
        with big.get(url) as r:
            size = len(r.get_data())
        rows.append((label, size, None, queries(app, small, f"/cohorts/{small_q}/gradebook"
                                                + url[len(path):]), queries(app, big, url),
                     median_ms(big, url)))
    lines = [
        "## Grading queue and gradebook (60 learners × 12 assignments)",
        "",
        "One cohort, 60 learners, 12 assignments, every assignment sent by every learner (720 "
        "submissions), 10 classes of attendance. SQLite, WSGI test client, median of "
        f"{RUNS} requests. Queries are SQL statements per request, for a 6-learner cohort and "
        "the 60-learner one (equal = constant).",
        "",
        "| page | bytes raw | first view gzip | queries (6 learners) | queries (60) | median ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, raw, packed, q_small, q_big, ms in rows:
        gz = f"{packed:,} ({packed / BUDGET:.0%})" if packed is not None else "download"
        lines.append(f"| {label} | {raw:,} | {gz} | {q_small} | {q_big} | {ms:.1f} |")
    out = ROOT / "bench" / "results" / "grading.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    over = [r for r in rows if r[2] is not None and r[2] > BUDGET]
    return 1 if over or any(r[3] != r[4] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
