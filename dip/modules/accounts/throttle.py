"""Sign-in throttling that cannot be turned against a class.

Failed sign-ins are counted under keys, each updated by one atomic SQL statement
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``, on SQLite and PostgreSQL alike):

* ``pair:<username>|<address>``: one username from one address. The two attempts before
  LOGIN_MAX_ATTEMPTS wait 15 then 30 seconds, the last locks the pair for LOGIN_LOCK_MINUTES.
  An attacker elsewhere locks only their own pair: the learner's right password from another
  address still works.
* ``addr:<address>``: every failure from one address (a whole centre often shares one). Past
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS each attempt waits 1, 2, 4 … seconds, never more than
  ADDRESS_MAX_WAIT: the address is slowed, never locked.
* ``device:<browser>|<username>``: a browser where this username signed in before (the random
  ``dip_device`` cookie, OWASP's "device cookie"). Its attempts count only here, not for the
  pair or the address, so a machine sharing the centre's address that tries wrong passwords
  for every classmate cannot lock them out on the computers they use.

An attempt is counted *before* the password is checked (``claim``), and given back after a
success (``settle``): of twenty wrong passwords sent at once, at most the limit are checked.
"""
from dataclasses import dataclass
from datetime import timedelta
from math import ceil

from flask import current_app
from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.accounts.models import LoginThrottle

ADDRESS_MAX_WAIT = 60  # seconds: the longest an address is ever slowed
KEY_LENGTH = 120


@dataclass(frozen=True)
class Gate:
    """A throttle key and its rule: ``steps`` are (failures, wait) from the most failures down."""

    key: str
    limit: int
    steps: tuple[tuple[int, timedelta], ...]
    locks: bool  # a locking gate is forgotten after a success; a slowing one gives back one


def locking(key: str) -> Gate:
    """A gate that slows the two tries before LOGIN_MAX_ATTEMPTS, then locks."""
    cfg = current_app.config
    limit = cfg["LOGIN_MAX_ATTEMPTS"]
    return Gate(key[:KEY_LENGTH], limit, (
        (limit, timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])),
        (limit - 1, timedelta(seconds=30)),
        (limit - 2, timedelta(seconds=15)),
    ), True)


def slowing(key: str) -> Gate:
    """A gate that waits 1, 2, 4 … ADDRESS_MAX_WAIT seconds past the per-address limit."""
    limit = current_app.config["LOGIN_MAX_ATTEMPTS_PER_ADDRESS"]
    steps, extra = [], 0
    while 2 ** extra < ADDRESS_MAX_WAIT:
        steps.append((limit + extra, timedelta(seconds=2 ** extra)))
        extra += 1
    steps.append((limit + extra, timedelta(seconds=ADDRESS_MAX_WAIT)))
    return Gate(key[:KEY_LENGTH], limit, tuple(reversed(steps)), False)


def _insert():
    return pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert


def claim(gate: Gate) -> int:
    """Count one attempt under ``gate`` unless it must wait; return the seconds to wait (0: go)."""
    now = utcnow()
    table = LoginThrottle.__table__
    window = timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    # A quiet window starts the count again; so does the end of a lock (not of a slowing wait:
    # an address keeps its count while it keeps failing).
    fresh = table.c.last_failure_at < now - window
    if gate.locks:
        fresh = or_(fresh, and_(table.c.locked_until <= now, table.c.failures >= gate.limit))
    failures = case((fresh, 1), else_=table.c.failures + 1)

    def wait_after(count):
        return case(*[(count >= n, now + wait) for n, wait in gate.steps], else_=None)

    first_wait = next((now + wait for n, wait in gate.steps if n <= 1), None)
    statement = _insert()(LoginThrottle).values(
        key=gate.key, failures=1, last_failure_at=now, locked_until=first_wait,
    ).on_conflict_do_update(
        index_elements=["key"],
        set_={"failures": failures, "last_failure_at": now, "locked_until": wait_after(failures)},
        where=or_(table.c.locked_until.is_(None), table.c.locked_until <= now),
    ).returning(table.c.failures)
    claimed = db.session.execute(statement).first()
    db.session.commit()
    if claimed is not None:
        return 0
    until = db.session.scalar(select(LoginThrottle.locked_until).where(LoginThrottle.key == gate.key))
    db.session.commit()
    return max(1, ceil((until - now).total_seconds())) if until else 1


def _uncount(gates: list[Gate]) -> None:
    for gate in gates:
        db.session.execute(update(LoginThrottle).where(
            LoginThrottle.key == gate.key, LoginThrottle.failures > 0)
            .values(failures=LoginThrottle.failures - 1))


def give_back(gates: list[Gate]) -> None:
    """Uncount one attempt on each gate (it was claimed but was not a wrong password)."""
    _uncount(gates)
    db.session.commit()


def settle(gates: list[Gate]) -> None:
    """After a success: forget locking gates, give back the attempt counted on slowing ones
    (a success must not wipe an address's count, or an attacker would sign in now and then).
    The caller commits, with the rest of the sign-in."""
    keys = [g.key for g in gates if g.locks]
    if keys:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    _uncount([g for g in gates if not g.locks])


def claim_all(gates: list[Gate]) -> int:
    """Claim every gate in turn; if one must wait, give back the others and return its wait."""
    claimed = []
    for gate in gates:
        wait = claim(gate)
        if wait:
            give_back(claimed)
            return wait
        claimed.append(gate)
    return 0
