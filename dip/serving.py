"""The server shape: gunicorn's processes × threads for each set-up, in one place.

``scripts/serve``, deploy/dip-web.service and bench/load.py all start gunicorn with
``-c python:dip.serving``, so they cannot disagree. The set-up is read from DATABASE_URL:

- **Embedded centre (SQLite)**: 2 processes × 8 threads. One process per core does the
  CPU work; the threads are there for the waits that are not CPU: a sign-in waiting for one
  of its process's two password-hash slots, and a writer waiting its turn for SQLite's single
  write lock (SQLite's busy handler sleeps between tries). With 4 threads those waits held
  every thread and pages queued behind them (p95 3.5 s against 0.3–1.6 s with 8, under the
  same crowd); 16 threads did no better than 8, 1 × 8 and 4 × 2 did worse (BENCHMARKS.md,
  "Server shape").
- **Production (PostgreSQL + Redis)**: 2 processes × 8 threads on two cores, for the same
  reasons: the work is Python CPU (a process per core), the threads cover the waits on
  PostgreSQL, Redis and the hash slots. 4 × 4 and 2 × 4 did worse under the same crowd. On more
  cores, raise the processes with them (``WEB_CONCURRENCY``), not the threads.

``WEB_CONCURRENCY`` and ``WEB_THREADS`` override either number (for a bigger machine).
Connections are kept alive 75 s, longer than a learner's pause between clicks and as long as
the documented nginx keeps them (so neither side closes one the other is about to reuse).
"""
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    """gunicorn's worker processes and threads per process."""

    workers: int
    threads: int


SHAPES = {"sqlite": Shape(2, 8), "postgresql": Shape(2, 8)}
KEEP_ALIVE = 75


def setup(database_url: str | None = None) -> str:
    """``sqlite`` (the embedded default) or ``postgresql``."""
    url = database_url if database_url is not None else os.environ.get("DATABASE_URL", "")
    return "postgresql" if url.startswith(("postgres://", "postgresql")) else "sqlite"


def shape(name: str | None = None) -> Shape:
    """The shape for set-up ``name`` (default: the one DATABASE_URL names), with overrides."""
    chosen = SHAPES[name or setup()]
    return Shape(int(os.environ.get("WEB_CONCURRENCY") or chosen.workers),
                 int(os.environ.get("WEB_THREADS") or chosen.threads))


def gunicorn_args(chosen: Shape) -> list[str]:
    """Command-line arguments for ``chosen`` (what this module sets as a config file)."""
    return ["--workers", str(chosen.workers), "--threads", str(chosen.threads),
            "--keep-alive", str(KEEP_ALIVE)]


# gunicorn reads these names when started with ``-c python:dip.serving``.
_chosen = shape()
workers = _chosen.workers
threads = _chosen.threads
keepalive = KEEP_ALIVE
