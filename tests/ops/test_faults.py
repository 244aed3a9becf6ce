"""Fault drills: Redis gone, database connections cut."""
import pytest

from dip import queue
from dip.extensions import db

CALLS = []


def record_call(value):
    CALLS.append(value)


def test_redis_down_is_reported_and_jobs_run_inline(app, client):
    app.extensions["dip_queue"].update(url="redis://127.0.0.1:1/0", redis=None)  # nothing listens
    assert client.get("/healthz").get_json() == {"db": "ok", "redis": "down"}
    CALLS.clear()
    assert queue.enqueue(record_call, 42) == "inline"
    assert CALLS == [42]
    assert client.get("/login").status_code == 200  # pages still work


def test_database_connections_cut_under_the_app_recover(app, client, auth, world):
    if db.engine.url.get_backend_name() != "postgresql":
        pytest.skip("a PostgreSQL drill (TEST_DATABASE_URL)")
    auth.login(world["admin"].username)
    assert client.get("/").status_code == 200
    db.session.remove()
    # What a PostgreSQL restart does to the pool: every server connection is gone.
    from sqlalchemy import create_engine, text
    killer = create_engine(db.engine.url)
    with killer.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    killer.dispose()
    assert client.get("/").status_code == 200  # pool_pre_ping replaces the dead connections
