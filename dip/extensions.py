"""Flask extensions, created unbound; ``create_app`` binds them."""
import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints so migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the naming convention above."""

    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_for_many_readers(dbapi_connection, _record) -> None:
    """Embedded SQLite serves a whole learning centre (many threads in two processes).

    - Write-ahead logging: pages are read while one request writes.
    - A busy timeout, set first (so even the pragmas below wait rather than fail): a second
      writer waits for the first, up to 10 s, instead of failing with "database is locked".
    - Writers take the write lock when they begin (``BEGIN IMMEDIATE``, which the driver issues
      before a transaction's first INSERT, UPDATE or DELETE; reads before it run on their own).
      A deferred transaction that had read first would have to upgrade its read snapshot to a
      write, and SQLite refuses that at once, whatever the timeout, when another writer
      committed in between: the "database is locked" errors a class signing in produced.
      Transactions stay short: no hashing or other slow work between their first write and
      their commit (accounts.services.authenticate hashes first).
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
