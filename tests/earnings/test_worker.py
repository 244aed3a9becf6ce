"""A real RQ worker on Redis, killed in the middle of an import: after reconcile, each row is in once."""
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid

import pytest
from sqlalchemy import func, select

from dip.core.access import Role
from dip.extensions import db
from dip.modules.earnings import imports, income
from dip.modules.earnings.models import EarningEntry, ImportBatch
from tests.earnings.conftest import upwork_csv

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ROWS = 50_000
WORKER = textwrap.dedent("""
    import sys
    from rq import Worker
    import dip.queue
    from dip import create_app
    from dip.worker import AppJob, set_app
    url, uploads, redis_url, queue = sys.argv[1:5]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "UPLOAD_PATH": uploads, "REDIS_URL": redis_url})
    dip.queue.QUEUE_NAME = queue
    with app.app_context():
        set_app(app)
        Worker([queue], connection=dip.queue.redis_connection(), job_class=AppJob).work(
            burst=True, with_scheduler=False)
""")

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_queue(app, monkeypatch):
    """Point the app at the local Redis with a queue name no one else uses; drop it afterwards."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except RedisError:
        pytest.skip("no Redis at " + REDIS_URL)
    import dip.queue

    name = f"dip-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setattr(dip.queue, "QUEUE_NAME", name)
    app.extensions["dip_queue"].update(url=REDIS_URL, redis=None)
    yield name
    from rq import Queue

    Queue(name, connection=Redis.from_url(REDIS_URL)).delete(delete_jobs=True)
    app.extensions["dip_queue"].update(url=None, redis=None)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _kill_hard(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and the work horse it forked (RQ puts the horse in its own session,
    so a process-group kill would miss it): what a crashed machine or container does."""
    for pid in _children(worker.pid):
        os.kill(pid, signal.SIGKILL)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()


def _worker(app, queue) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, app.config["SQLALCHEMY_DATABASE_URI"],
         app.config["UPLOAD_PATH"], REDIS_URL, queue],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _count(learner_id) -> int:
    db.session.rollback()  # a fresh transaction sees the worker's commits
    return db.session.scalar(select(func.count()).select_from(EarningEntry).where(
        EarningEntry.learner_id == learner_id))


@pytest.mark.slow  # a long drill (a minute or more): .ci/run runs it
def test_killed_worker_then_reconcile_adds_every_row_exactly_once(app, runner, make_cohort,
                                                                   make_user, redis_queue):
    import jobs.earnings
    from dip.queue import enqueue

    cohort = make_cohort()
    learner, clean = (make_user(Role.LEARNER, cohort=cohort) for _ in range(2))
    admin = make_user(Role.ADMIN)
    statement = upwork_csv(ROWS)
    batch = imports.start(admin, learner.id, statement, "big.csv")
    batch_id = batch.id
    assert enqueue(jobs.earnings.import_statement, batch_id) == "queued"

    worker = _worker(app, redis_queue)
    deadline = time.monotonic() + 120
    try:
        while _count(learner.id) == 0:
            assert worker.poll() is None, "the worker ended before the import began"
            assert time.monotonic() < deadline, "the import never started"
            time.sleep(0.01)
    finally:
        _kill_hard(worker)
    partial = _count(learner.id)
    db.session.expire_all()
    assert db.session.get(ImportBatch, batch_id).status == "running"
    assert 0 < partial < ROWS, "the worker was not killed in the middle of the import"

    result = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "0"])
    assert "1 import batch(es) queued again" in result.output
    second = _worker(app, redis_queue)
    assert second.wait(timeout=600) == 0

    db.session.expire_all()
    batch = db.session.get(ImportBatch, batch_id)
    assert batch.status == "done" and batch.attempts == 2
    assert (batch.rows_read, batch.added, batch.duplicates) == (ROWS, ROWS, 0)
    assert _count(learner.id) == ROWS
    assert db.session.scalar(select(func.count(func.distinct(EarningEntry.natural_key))).where(
        EarningEntry.learner_id == learner.id)) == ROWS

    # A clean run of the same file (inline, no worker) gives the same rows and income.
    app.extensions["dip_queue"].update(url=None, redis=None)
    reference = imports.start(admin, clean.id, statement, "big.csv")
    imports.run(reference.id)
    killed_rows = _rows(learner.id)
    assert killed_rows == _rows(clean.id) and len(killed_rows) == ROWS
    killed = {m: v for (lid, m), v in income.table([learner.id]).items()}
    assert killed == {m: v for (lid, m), v in income.table([clean.id]).items()}


def _rows(learner_id) -> list:
    return sorted(db.session.execute(select(EarningEntry.natural_key, EarningEntry.earned_on,
                                            EarningEntry.amount).where(
        EarningEntry.learner_id == learner_id)).all())


@pytest.mark.slow  # a long drill (a minute or more): .ci/run runs it
def test_recompute_killed_again_and_again_then_reconcile_equals_a_clean_run(
        app, runner, make_cohort, make_user, redis_queue):
    """Kill the worker at a random moment of an income recompute, several times: the months
    not yet done stay due in the database, reconcile queues them again, and the end result is
    exactly a clean computation (nothing lost, nothing counted twice)."""
    import random
    from datetime import date
    from decimal import Decimal

    from rq import Queue
    from sqlalchemy import insert

    from dip.modules.earnings.models import IncomeDue
    from dip.modules.earnings.services import mark_due

    cohort = make_cohort()
    learners = [make_user(Role.LEARNER, cohort=cohort) for _ in range(100)]
    rnd = random.Random(11)
    months = [date(2021 + i // 12, i % 12 + 1, 1) for i in range(60)]
    rows = [{"learner_id": u.id, "earned_on": m.replace(day=rnd.randint(1, 28)),
             "amount": Decimal(rnd.randint(100, 9000)) / 100, "currency": "USD",
             "natural_key": f"kill:{u.id}:{m}:{k}"}
            for u in learners for m in months for k in range(rnd.randint(1, 2))]
    db.session.execute(insert(EarningEntry), rows)
    db.session.commit()
    mark_due([(u.id, m) for u in learners for m in months])
    expected = income._compute()

    def due() -> int:
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(IncomeDue))

    seen = [due()]
    for _cycle in range(4):
        if not due():
            break
        result = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "0"])
        assert "learner-month(s) of income queued again" in result.output
        before = due()
        worker = _worker(app, redis_queue)
        deadline = time.monotonic() + 60
        while due() == before and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # until the first chunk of months is done
        time.sleep(rnd.uniform(0, 0.05))  # then a random point of the rest
        if worker.poll() is None:
            _kill_hard(worker)
        from redis import Redis

        Queue(redis_queue, connection=Redis.from_url(REDIS_URL)).empty()  # what died with it
        seen.append(due())

    # Redis is gone for good: reconcile runs what is left inline.
    app.extensions["dip_queue"].update(url=None, redis=None)
    runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "0"])
    assert any(0 < n < seen[0] for n in seen[1:]), f"no kill landed mid-recompute: {seen}"
    assert due() == 0, seen
    assert income.table() == expected
    assert sum(count for _total, count in expected.values()) == len(rows)
