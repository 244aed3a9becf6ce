"""Portfolio, public page and proposal editor: page weight, queries and server time.

    .venv/bin/python bench/portfolio.py   # writes bench/results/portfolio.md

A learner with 12 portfolio items (10 public), a proposal of about 300 words with 200 saved
versions (an afternoon of 20-second autosaves) and 10 trainer comments; a cohort of 60
learners for the trainer's readiness page and proposals list. For each page: first view
(HTML + CSS + JS, gzip -9), SQL statements per request and the median server time through
the WSGI test client (SQLite). Also the readiness checks and a word diff on long texts.
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
LEARNERS, RUNS = 60, 25
PASSWORD = "bench password 42"
PARAGRAPH = ("You need your school website translated from French to English with a friendly "
             "tone. I will deliver the 2000 words in 5 days. Which pages matter most to you? ")


def build():
    """A cohort of 60 learners; the first has items, a public page and a long-edited proposal."""
    from datetime import date, timedelta

    from dip.core.access import Role
    from dip.extensions import db
    from dip.modules.accounts.services import create_user
    from dip.modules.portfolio import proposals, services
    from dip.modules.programs.services import create_cohort, create_site, place

    site = create_site("Bench", "MW", "MWK", "Africa/Blantyre")
    cohort = create_cohort(site, "P1", date.today() - timedelta(weeks=8))

    def user(name, role):
        u, _ = create_user(name, name.title(), role, password=PASSWORD, language="en",
                           must_change_password=False)
        place(u, cohort=cohort)
        return u

    trainer = user("ptrainer", Role.TRAINER)
    people = [user(f"plearner{i:02d}", Role.LEARNER) for i in range(LEARNERS)]
    db.session.commit()
    first = people[0]
    for i in range(12):
        services.save_item(first.id, {
            "title": f"Sample {i}: translation of a letter", "client_need": "A letter. " * 10,
            "what_i_did": "Translated and proofread it. " * 6, "skills": ["translation"],
            "tags": "French, English", "sample_text": "Dear parents, the school opens. " * 15,
            "visibility": "public" if i < 10 else "cohort"})
    token = services.new_link(services.profile_of(first))
    for p in people:
        services.tick(p.id, ["account", "photo", "title"])
        for j in range(2):
            made = proposals.create_proposal(p.id, f"Job {j} for {p.username}", PARAGRAPH,
                                             "50", "USD", None)
            proposals.set_status(made, "sent" if j else "won")
    long_one = proposals.create_proposal(first.id, "Translate a school website", PARAGRAPH,
                                         "120", "USD", date.today() + timedelta(days=10))
    for v in range(200):
        proposals.save_body(long_one, f"Hi Claire, version {v}. " + PARAGRAPH * 5, kind="auto")
    for c in range(10):
        proposals.add_comment(long_one, trainer.id, "Shorter sentences, please. " * 3,
                              quote="I will deliver")
    return cohort.id, first.username, trainer.username, token, long_one.id


def login(app, username):
    return common.login(app, username, PASSWORD)


def median_ms(fn) -> float:
    return common.median_ms(fn, RUNS)


def main():
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from dip import create_app

    app = create_app({"UPLOAD_PATH": f"{tmp}/uploads", "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade(revision="heads")
        cohort_id, learner, trainer, token, proposal_id = build()
    anonymous, mine, staff = app.test_client(), login(app, learner), login(app, trainer)
    pages = [
        ("portfolio (12 items)", mine, "/portfolio/"),
        ("public page (10 public items)", anonymous, f"/p/{token}"),
        ("proposal editor (learner, 10 comments)", mine, f"/proposals/{proposal_id}"),
        ("proposal with comment form (trainer)", staff, f"/proposals/{proposal_id}"),
        ("versions (200 saved)", mine, f"/proposals/{proposal_id}/versions"),
        ("compare version 1 with 200", mine, f"/proposals/{proposal_id}/versions?a=1&b=200"),
        ("proposals list (trainer, 100 of 121 listed)", staff, "/proposals/"),
        ("cohort readiness (60 learners)", staff, f"/cohorts/{cohort_id}/readiness"),
    ]
    rows = []
    for label, client, url in pages:
        raw, packed = first_view(client, url)
        rows.append((label, raw, packed, queries(app, client, url),
                     median_ms(lambda c=client, u=url: c.get(u))))
    with app.test_request_context():
        from datetime import date

        from dip.modules.portfolio import checks, proposals

        long_text = PARAGRAPH * 60  # about 2,000 words
        check_ms = median_ms(lambda: checks.run(long_text, "Translate", PARAGRAPH, date.today(),
                                                ["Letter"], None, date.today()))
        diff_ms = median_ms(lambda: proposals.diff(long_text, long_text.replace("5 days",
                                                                                "3 days")))
    lines = [
        "## Portfolio, public page and proposals",
        "",
        "A learner with 12 items (10 public), a proposal with 200 saved versions and 10 trainer "
        f"comments; a cohort of {LEARNERS} learners with 2 proposals each. SQLite, WSGI test "
        f"client, median of {RUNS} requests.",
        "",
        "| page | bytes raw | first view gzip | queries | median ms |",
        "|---|---:|---:|---:|---:|",
    ] + [f"| {label} | {raw:,} | {packed:,} ({packed / BUDGET:.0%}) | {q} | {ms:.1f} |"
         for label, raw, packed, q, ms in rows] + [
        "",
        f"Readiness checks on a 2,000-word proposal: {check_ms:.1f} ms; word diff of two "
        f"2,000-word versions: {diff_ms:.1f} ms (median of {RUNS}).",
    ]
    out = ROOT / "bench" / "results" / "portfolio.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if any(r[2] > BUDGET for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
