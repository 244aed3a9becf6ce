"""Background jobs: RQ on Redis in production, run in-process when no Redis is configured.

The database, not RQ, holds the truth about a piece of work (an import batch, a report);
jobs are idempotent, so running one inline, twice, or again after a lost worker is safe.
"""
import importlib
import logging

from flask import Flask, current_app

log = logging.getLogger("dip.queue")
QUEUE_NAME = "dip"
JOB_TIMEOUT = 30 * 60
RETRY_INTERVALS = [10, 60, 300]


def init_app(app: Flask) -> None:
    """Remember the Redis URL; connect lazily on first use."""
    app.extensions["dip_queue"] = {"url": app.config.get("REDIS_URL"), "redis": None}


def redis_connection():
    """The Redis connection, or None when no ``REDIS_URL`` is set."""
    state = current_app.extensions["dip_queue"]
    if not state["url"]:
        return None
    if state["redis"] is None:
        from redis import Redis

        state["redis"] = Redis.from_url(state["url"], socket_connect_timeout=2, socket_timeout=5)
    return state["redis"]


def redis_status() -> str:
    """``off`` without Redis configured, ``ok`` when it answers, ``down`` when it does not."""
    conn = redis_connection()
    if conn is None:
        return "off"
    try:
        conn.ping()
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "down" to the health check
        return "down"


def get_queue():
    """The RQ queue (jobs run inside the app context through ``AppJob``)."""
    from rq import Queue

    from dip.worker import AppJob

    return Queue(QUEUE_NAME, connection=redis_connection(), job_class=AppJob)


def job_function(func):
    """A job function, or the one a dotted name (``"jobs.earnings.recompute"``) names."""
    if isinstance(func, str):
        module, _, name = func.rpartition(".")
        return getattr(importlib.import_module(module), name)
    return func


def enqueue(func, *args, **kwargs) -> str:
    """Run ``func(*args, **kwargs)`` in the background; return ``queued`` or ``inline``.

    ``func`` may be a dotted name: features enqueue ``jobs/`` functions by name, so no
    feature imports ``jobs/`` (which imports the features).

    Without Redis configured, or when Redis does not answer, the job runs now, in this
    process: the page takes longer, but nothing waits on a queue nobody serves.
    """
    if redis_connection() is not None:
        from redis.exceptions import RedisError
        from rq import Retry

        try:
            get_queue().enqueue_call(
                func, args=args, kwargs=kwargs, timeout=JOB_TIMEOUT,
                retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                failure_ttl=7 * 24 * 3600,
            )
            return "queued"
        except RedisError:
            log.warning("Redis unavailable; running %s inline", getattr(func, "__name__", func))
    job_function(func)(*args, **kwargs)
    return "inline"
