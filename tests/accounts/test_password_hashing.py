"""Passwords are hashed with Argon2id at OWASP's minimum, old hashes are upgraded at the next
sign-in, and at most two hashes run at once in a process (issue 15's sign-in goal).

The other tests keep a fast hash (tests/conftest.py PASSWORD_HASH_METHOD); these switch the
app to the production setting."""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.security import generate_password_hash

from dip.core.access import Role
from dip.extensions import db
from tests.conftest import PASSWORD

ARGON2_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"


@pytest.fixture
def production_hash(app):
    """The production setting: no PASSWORD_HASH_METHOD override."""
    app.config.pop("PASSWORD_HASH_METHOD", None)
    return app


def test_new_passwords_are_argon2id_at_owasp_minimum(production_hash, make_cohort, make_user):
    user = make_user(Role.LEARNER, cohort=make_cohort(), username="amani")
    assert user.password_hash.startswith(ARGON2_PREFIX)


@pytest.mark.parametrize("old_method", ["scrypt", "pbkdf2:sha256:600000"])
def test_old_hashes_are_upgraded_at_the_next_sign_in(production_hash, client, auth, make_cohort,
                                                     make_user, old_method):
    user = make_user(Role.LEARNER, cohort=make_cohort(), username="amani")
    user.password_hash = generate_password_hash(PASSWORD, method=old_method)
    db.session.commit()
    assert auth.login("amani", "not the password").status_code == 401
    db.session.refresh(user)
    assert not user.password_hash.startswith("$argon2")  # a wrong password changes nothing
    assert auth.login("amani").status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith(ARGON2_PREFIX)
    auth.logout()
    assert auth.login("amani").status_code == 302  # and the new hash works


def test_reset_codes_are_hashed_the_same_way(production_hash, make_cohort, make_user):
    from dip.modules.accounts import services
    from dip.modules.accounts.models import ResetCode

    cohort = make_cohort()
    learner = make_user(Role.LEARNER, cohort=cohort)
    trainer = make_user(Role.TRAINER, cohort=cohort)
    services.issue_reset_code(learner, trainer)
    stored = db.session.scalar(db.select(ResetCode.code_hash))
    assert stored.startswith(ARGON2_PREFIX)


def test_at_most_two_hashes_run_at_once(app, monkeypatch):
    """A class signing in at once queues for two hash slots; page views are never starved."""
    from dip.modules.accounts import passwords

    running, peak, lock = [0], [0], threading.Lock()

    def slow_check(stored, password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(passwords, "_check", slow_check)
    stored = passwords.hash_password("whatever 123")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: passwords.verify(stored, "x"), range(16)))
    assert peak[0] == passwords.HASHES_AT_ONCE == 2
