"""A class signing in and writing at once on the embedded SQLite file: nobody gets an error.

Threads stand for gunicorn's threads (each request its own app context, connection and
transaction): every learner signs in (an old hash is replaced at sign-in: a write next to a
slow hash), saves proposal drafts, signs out and in again, all at the same moment.
"""
import threading

import pytest

from dip.core.access import Role
from dip.extensions import db
from tests.conftest import PASSWORD, form

LEARNERS = 12
ROUNDS = 3


@pytest.fixture
def crowd(app, make_cohort, make_user):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the embedded SQLite set-up")
    cohort = make_cohort()
    users = [make_user(Role.LEARNER, cohort=cohort, username=f"crowd{i:02d}")
             for i in range(LEARNERS)]
    # Hashes made by an older method: each first sign-in writes a new one (a slower hash).
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:30000"
    return [u.username for u in users]


def test_concurrent_sign_ins_and_writes_on_a_sqlite_file_all_succeed(app, crowd):
    failures, start = [], threading.Barrier(len(crowd))

    def learner(username):
        client = app.test_client()
        try:
            start.wait()
            for n in range(ROUNDS):
                signed_in = client.post("/login", data={"username": username,
                                                        "password": PASSWORD})
                if signed_in.status_code != 302:
                    failures.append((username, "sign-in", signed_in.status_code))
                    continue
                made = client.post("/proposals/new", data=form(
                    job_title=f"Translate a leaflet {n}", client_description="Two pages.",
                    budget_amount="40", budget_currency="USD", deadline=""))
                if made.status_code >= 400:
                    failures.append((username, "proposal", made.status_code))
                out = client.post("/logout")
                if out.status_code >= 400:
                    failures.append((username, "sign-out", out.status_code))
        except Exception as exc:  # noqa: BLE001 - "database is locked" surfaces here
            failures.append((username, "error", repr(exc)))

    threads = [threading.Thread(target=learner, args=(name,)) for name in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    from dip.modules.portfolio.models import Proposal

    db.session.expire_all()
    assert db.session.query(Proposal).count() == LEARNERS * ROUNDS
