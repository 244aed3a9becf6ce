"""Fixtures: an app on a fresh, migrated database (SQLite, or PostgreSQL with TEST_DATABASE_URL)."""
import os
import shutil
from datetime import date, timedelta

import pytest
from sqlalchemy import create_engine, text

os.environ.setdefault("SECRET_KEY", "test-secret-key")
os.environ.pop("REDIS_URL", None)

from dip import create_app  # noqa: E402
from dip.core.access import Role  # noqa: E402
from dip.core.once import new_token  # noqa: E402
from dip.extensions import db  # noqa: E402
from hypothesis import settings  # noqa: E402

# Shared, noisy machines: a property test is judged on what it finds, never on how fast a
# single example ran (no test asserts wall-clock time).
settings.register_profile("dip", deadline=None)
settings.load_profile("dip")

PASSWORD = "correct horse 42"
PG_URL = os.environ.get("TEST_DATABASE_URL")


def _pg_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _migrate(url: str) -> None:
    """Bring an empty database at ``url`` to the current schema with the real migrations."""
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per test session; each test then starts from that schema, empty."""
    if PG_URL:
        url = _pg_url(PG_URL)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        _migrate(url)
        return url
    path = tmp_path_factory.mktemp("db") / "template.sqlite3"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def app(database_template, tmp_path):
    """A fresh application on an empty, migrated database."""
    if PG_URL:
        url = database_template
        engine = create_engine(url)
        with engine.begin() as conn:
            tables = conn.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname='public' "
                "AND tablename <> 'alembic_version'")).scalars().all()
            if tables:
                conn.execute(text(
                    "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        engine.dispose()
    else:
        path = tmp_path / "test.sqlite3"
        shutil.copy(database_template, path)
        url = f"sqlite:///{path}"
    app = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
        "UPLOAD_PATH": str(tmp_path / "uploads"), "REDIS_URL": None,
        # scrypt is deliberately slow; tests hash hundreds of passwords.
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    app.extensions["dip_queue"]["url"] = None
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client; ``client.post`` adds a fresh one-time token unless one is given."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for ``flask dip …`` commands."""
    return app.test_cli_runner()


def form(data: dict | None = None, **extra) -> dict:
    """Form data with a fresh one-time token (what a browser sends after loading the form)."""
    body = {"once": new_token()}
    body.update(data or {})
    body.update(extra)
    return body


class Auth:
    """Sign a test client in and out."""

    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    """Sign in and out as a user made by the factories (password ``PASSWORD``)."""
    return Auth(client)


@pytest.fixture
def make_site(app):
    """Create a site (defaults: Dzaleka, Malawi)."""
    from dip.modules.programs.services import create_site

    def make(name="Dzaleka", country="MW", currency="MWK", timezone="Africa/Blantyre"):
        return create_site(name, country, currency, timezone)

    return make


@pytest.fixture
def make_cohort(app, make_site):
    """Create a cohort that started four weeks ago (a site is made if none is given)."""
    from dip.modules.programs.services import create_cohort

    counter = iter(range(1, 1000))

    def make(site=None, name=None, start=None):
        site = site or make_site(name=f"Site {next(counter)}")
        return create_cohort(site, name or f"Cohort {next(counter)}",
                             start or date.today() - timedelta(weeks=4))

    return make


@pytest.fixture
def make_user(app):
    """Create a user of ``role`` placed in ``cohort`` or granted ``site``; password PASSWORD."""
    from dip.modules.accounts.services import create_user
    from dip.modules.programs.services import place

    counter = iter(range(1, 100000))

    def make(role=Role.LEARNER, cohort=None, site=None, username=None, must_change=False,
             language="en", display_name=None):
        username = username or f"{role}{next(counter)}"
        user, _ = create_user(username, display_name or username.title(), role, password=PASSWORD,
                              language=language, must_change_password=must_change)
        place(user, cohort=cohort, site=site)
        db.session.commit()
        return user

    return make


@pytest.fixture
def world(make_site, make_cohort, make_user):
    """Two sites with a cohort each and one user of every role, for scoping tests."""
    site_a, site_b = make_site("Dzaleka"), make_site("Kakuma", "KE", "KES", "Africa/Nairobi")
    cohort_a, cohort_b = make_cohort(site_a, "A1"), make_cohort(site_b, "B1")
    w = {
        "site_a": site_a, "site_b": site_b, "cohort_a": cohort_a, "cohort_b": cohort_b,
        "learner": make_user(Role.LEARNER, cohort=cohort_a, username="learner.a"),
        "other_learner": make_user(Role.LEARNER, cohort=cohort_b, username="learner.b"),
        "trainer": make_user(Role.TRAINER, cohort=cohort_a, username="trainer.a"),
        "coordinator": make_user(Role.COORDINATOR, site=site_a, username="coord.a"),
        "reviewer": make_user(Role.REVIEWER, site=site_a, username="reviewer.a"),
        "admin": make_user(Role.ADMIN, username="admin"),
    }
    return w
