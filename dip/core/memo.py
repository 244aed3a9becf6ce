"""Work done once per unit of work: what several panels of one page ask for is read once.

``@per_session`` keeps a function's result in the current database session's ``info`` for as
long as nothing is written, committed or rolled back (and a new request starts afresh): a home page's
panels each ask for the learner's profile, the curriculum's lessons or the lessons done, and
the database answers once. Without it the identity map, which holds its objects weakly, forgets
a profile as soon as the panel that read it returns, and the next panel loads it again.
The key is the function and its arguments, which must be hashable (pass ids, not objects, or
give ``key``: a function of the arguments that returns one).

``@built_once`` keeps what a function with no arguments builds for the life of the process:
the SQL statements (and loader options) that pages run on every view, with their values as
``bindparam``s. Building a statement and working out its cache key cost SQLAlchemy more CPU
than running it: on a learner's home, a fifth of the work of a view.
"""
import copy
import functools

from sqlalchemy import event
from sqlalchemy.orm import Session

from dip.extensions import db

INFO_KEY = "dip.memo"


def per_session(fn=None, *, key=None):
    """Decorate ``fn`` so its result is kept until the session commits or rolls back."""
    if fn is None:
        return functools.partial(per_session, key=key)

    @functools.wraps(fn)
    def wrapper(*args):
        memo = db.session.info.setdefault(INFO_KEY, {})
        k = (fn.__qualname__, key(*args) if key else args)
        if k not in memo:
            memo[k] = fn(*args)
        value = memo[k]
        # A caller may sort or add to what it got: each has its own list, set or dict.
        return copy.copy(value) if isinstance(value, (list, set, dict)) else value

    wrapper.uncached = fn
    return wrapper


def built_once(build):
    """Decorate a function of no arguments that builds a statement: it runs once per process."""
    return functools.cache(build)


def forget(session: Session | None = None) -> None:
    """Drop every kept result of ``session`` (the current one by default)."""
    (session or db.session).info.pop(INFO_KEY, None)


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _forget_on_end(session, *_args) -> None:
    """What was read before a write, a commit or a rollback may no longer be true after it."""
    forget(session)
