"""The export job through a real RQ worker in burst mode, and requeueing lost runs."""
import os
from datetime import date, timedelta

import pytest

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.outcomes.models import ReportRun

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def new_run(dataset, **extra):
    run = ReportRun(requested_by_id=dataset["reviewer"].id, site_id=dataset["site_a"].id,
                    window_start=date(2026, 8, 1), window_end=date(2026, 8, 31), threshold=5,
                    **extra)
    db.session.add(run)
    db.session.commit()
    return run


def test_lost_runs_are_requeued(dataset, runner):
    old = new_run(dataset, created_at=utcnow() - timedelta(hours=2))
    fresh = new_run(dataset)
    result = runner.invoke(args=["dip", "outcomes", "requeue-reports", "--minutes", "30"])
    assert result.exit_code == 0 and "1 report runs requeued" in result.output
    db.session.expire_all()
    assert db.session.get(ReportRun, old.id).status == "done"  # inline without Redis
    assert db.session.get(ReportRun, fresh.id).status == "queued"


@pytest.mark.redis
def test_export_through_a_real_worker(app, dataset, monkeypatch):
    redis = pytest.importorskip("redis")
    from rq import Queue, SimpleWorker

    from dip import queue as dip_queue
    from dip.worker import AppJob, set_app
    from jobs.reports import build_report

    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    name = f"dip-outcomes-test-{os.getpid()}"
    monkeypatch.setattr(dip_queue, "QUEUE_NAME", name)
    app.extensions["dip_queue"].update(url=REDIS_URL, redis=None)
    run = new_run(dataset)
    worker = None
    try:
        assert dip_queue.enqueue(build_report, run.id) == "queued"
        assert db.session.get(ReportRun, run.id).status == "queued"
        set_app(app)
        worker = SimpleWorker([Queue(name, connection=conn, job_class=AppJob)], connection=conn,
                              job_class=AppJob)
        worker.work(burst=True)
        db.session.expire_all()
        run = db.session.get(ReportRun, run.id)
        assert run.status == "done" and run.xlsx_key and run.csv_key
    finally:
        app.extensions["dip_queue"].update(url=None, redis=None)
        q = Queue(name, connection=conn)
        # Remove only what this test made: its queue's jobs, results, registries and worker.
        job_ids = q.finished_job_registry.get_job_ids() + q.failed_job_registry.get_job_ids()
        for job_id in job_ids:
            conn.delete(f"rq:job:{job_id}", f"rq:results:{job_id}")
        q.delete(delete_jobs=True)
        for key in conn.scan_iter(f"*{name}*"):
            conn.delete(key)
        if worker is not None:
            conn.delete(worker.key)
            conn.srem("rq:workers", worker.key)
        set_app(None)
