"""Figures kept until the data they rest on changes: never stale, never recomputed per view.

Every write to a table the indicators read (``WATCHED``) adds one row to ``outcome_changes`` in
the same transaction, whoever writes it (ORM or Core, any feature, a job or the CLI): an engine
event sees the INSERT, UPDATE or DELETE go by. The version of the data is the count, largest
id and sum of ids of those rows (a transaction that took an id early but committed late still
changes the count), read in one small query per view. Computed figures are kept in this
process under that version, so each process recomputes once after a change and never
otherwise; a rolled-back write rolls its row back too.
"""
from collections import OrderedDict
from threading import Lock

from sqlalchemy import Delete, Insert, Update, delete, event, func, insert, inspect, select
from sqlalchemy.engine import Engine

from dip.extensions import db
from dip.modules.outcomes.models import OutcomeChange

#: The tables behind every figure: people and cohorts, earnings, surveys, completion.
WATCHED = frozenset({
    "learner_profiles", "cohorts", "sites", "monthly_income", "earning_entries",
    "exchange_rates", "survey_responses", "certificates", "assignments", "submissions",
    "class_sessions", "attendance_marks", "completion_rules",
})
KEEP = 64  # computed reports kept per process (a few scopes × periods × thresholds)

_cache: OrderedDict = OrderedDict()
_lock = Lock()
_ready: set[str] = set()  # databases known to have the change log (not yet while migrating)


def _has_log(conn) -> bool:
    url = str(conn.engine.url)
    if url not in _ready and inspect(conn).has_table(OutcomeChange.__tablename__):
        _ready.add(url)
    return url in _ready


@event.listens_for(Engine, "before_execute")
def _note_change(conn, clauseelement, multiparams, params, execution_options):
    """Record, once per transaction, that it writes data the figures rest on."""
    if not isinstance(clauseelement, (Insert, Update, Delete)):
        return
    table = getattr(clauseelement.table, "name", None)
    if table not in WATCHED:
        return
    transaction = conn.get_transaction()
    if transaction is not None and conn.info.get("outcomes_noted") is transaction:
        return
    if not _has_log(conn):  # a migration older than the change log: nothing is kept yet
        return
    conn.execute(insert(OutcomeChange.__table__).values(table=table[:40]))
    conn.info["outcomes_noted"] = conn.get_transaction()


def version() -> tuple:
    """The current version of the data behind the figures (one query)."""
    count, largest, total = db.session.execute(select(
        func.count(OutcomeChange.id), func.max(OutcomeChange.id),
        func.sum(OutcomeChange.id))).one()
    return count, largest, total


def cached(key: tuple, compute):
    """``compute()``, or what it returned for ``key`` while the data has not changed since."""
    full = (version(), *key)
    with _lock:
        if full in _cache:
            _cache.move_to_end(full)
            return _cache[full]
    value = compute()
    with _lock:
        _cache[full] = value
        while len(_cache) > KEEP:
            _cache.popitem(last=False)
    return value


def clear() -> None:
    """Forget every kept figure (tests, and after a migration)."""
    with _lock:
        _cache.clear()


PRUNE_ABOVE = 1000


def prune() -> int:
    """Keep only the newest change row once there are many (reconcile and the nightly job);
    returns how many were removed."""
    count, largest = db.session.execute(select(func.count(OutcomeChange.id),
                                               func.max(OutcomeChange.id))).one()
    if largest is None or count <= PRUNE_ABOVE:
        return 0
    removed = db.session.execute(delete(OutcomeChange).where(OutcomeChange.id < largest)).rowcount
    db.session.commit()
    return removed or 0
