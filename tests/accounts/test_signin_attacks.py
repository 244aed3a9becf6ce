"""Sign-in that cannot be turned against a class (issue 11).

Failed attempts are counted per (username, address) pair and per address; an address is slowed,
never locked; the right password from another address works while a username is under attack;
one machine cannot lock a class out, not even from the centre's own address; counters are
updated atomically; an unknown username costs one password hash, like a known one.
"""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from dip.core.access import Role
from dip.extensions import db
from tests.conftest import PASSWORD

OUTSIDE, CENTRE = "203.0.113.7", "198.51.100.20"


def _login(client, username, password, address):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def learner(make_cohort, make_user):
    return make_user(Role.LEARNER, cohort=make_cohort(), username="amani")


@pytest.fixture
def frozen(monkeypatch):
    """A clock the test moves by hand (for waits and locks)."""
    from dip.core import clock
    from dip.modules.accounts import throttle

    moment = {"now": clock.utcnow()}
    monkeypatch.setattr(throttle, "utcnow", lambda: moment["now"])
    return moment


def test_right_password_from_another_address_works_under_attack(app, client, learner):
    for _ in range(12):
        _login(client, "amani", "guess", OUTSIDE)
    assert _login(client, "amani", PASSWORD, OUTSIDE).status_code == 429  # the attacker waits
    learner_browser = app.test_client()
    assert _login(learner_browser, "amani", PASSWORD, CENTRE).status_code == 302


def test_an_address_is_slowed_never_locked(app, client, make_cohort, make_user, frozen):
    from dip.modules.accounts import throttle

    app.config["LOGIN_MAX_ATTEMPTS_PER_ADDRESS"] = 10
    cohort = make_cohort()
    names = [make_user(Role.LEARNER, cohort=cohort, username=f"learner{i:02}").username
             for i in range(12)]
    for round_ in range(3):  # 36 failures from one address, over many usernames
        for name in names:
            _login(client, name, "guess", OUTSIDE)
            frozen["now"] += timedelta(seconds=throttle.ADDRESS_MAX_WAIT + 1)
    slowed = _login(client, names[0], "guess", OUTSIDE)
    response = _login(client, "learner05", PASSWORD, OUTSIDE)
    assert slowed.status_code == 401 and response.status_code == 429
    assert "Please wait" in response.get_data(as_text=True)
    frozen["now"] += timedelta(seconds=throttle.ADDRESS_MAX_WAIT + 1)  # never more than this
    assert _login(client, "learner05", PASSWORD, OUTSIDE).status_code == 302


def test_one_outside_machine_cannot_lock_a_class_out(app, client, make_cohort, make_user):
    cohort = make_cohort()
    names = [make_user(Role.LEARNER, cohort=cohort, username=f"class{i:02}").username
             for i in range(8)]
    for name in names:
        for _ in range(6):
            _login(client, name, "guess", OUTSIDE)
    for name in names:
        assert _login(app.test_client(), name, PASSWORD, CENTRE).status_code == 302, name


def test_a_machine_inside_the_centre_cannot_lock_out_classmates_on_their_computers(
        app, make_cohort, make_user):
    """Same address as the class: learners who signed in before on their browser still get in."""
    cohort = make_cohort()
    names = [make_user(Role.LEARNER, cohort=cohort, username=f"mate{i:02}").username
             for i in range(6)]
    browsers = {}
    for name in names:  # yesterday: each learner signed in on their usual computer
        browsers[name] = app.test_client()
        assert _login(browsers[name], name, PASSWORD, CENTRE).status_code == 302
        browsers[name].post("/logout")
    app.config["LOGIN_MAX_ATTEMPTS_PER_ADDRESS"] = 10
    attacker = app.test_client()
    for name in names:
        for _ in range(6):
            _login(attacker, name, "guess", CENTRE)
    for name in names:
        assert _login(browsers[name], name, PASSWORD, CENTRE).status_code == 302, name


def test_a_known_browser_is_still_throttled_for_wrong_passwords(app, learner):
    browser = app.test_client()
    assert _login(browser, "amani", PASSWORD, CENTRE).status_code == 302
    browser.post("/logout")
    statuses = [_login(browser, "amani", "guess", CENTRE).status_code for _ in range(8)]
    assert statuses[-1] == 429


def test_parallel_wrong_passwords_check_at_most_the_limit(app, learner):
    """20 wrong passwords at once for one username: at most the limit are checked, none fails."""
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    start = threading.Barrier(20)

    def attempt(_):
        client = app.test_client()
        start.wait()
        response = _login(client, "amani", "guess", OUTSIDE)
        return response.status_code, response.get_data(as_text=True)

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(attempt, range(20)))
    statuses = [s for s, _ in results]
    assert all(s in (401, 429) for s in statuses), statuses
    assert not any("database is locked" in body for _, body in results)
    checked = statuses.count(401)  # a 401 means the password was checked and was wrong
    assert 1 <= checked <= limit, statuses
    assert _login(app.test_client(), "amani", PASSWORD, CENTRE).status_code == 302


def test_unknown_username_costs_one_hash_like_a_known_one(client, learner, monkeypatch):
    from dip.modules.accounts import passwords

    calls = []
    real = passwords._check
    monkeypatch.setattr(passwords, "_check", lambda *a: calls.append(a) or real(*a))
    _login(client, "amani", "wrong password", OUTSIDE)
    known = len(calls)
    calls.clear()
    _login(client, "nobody.here", "wrong password", OUTSIDE)
    assert known == len(calls) == 1


def test_proxy_fix_reads_the_real_address_only_when_configured(app, learner):
    """Behind one trusted proxy the client's address comes from X-Forwarded-For."""
    from dip import create_app

    behind = create_app({**{k: app.config[k] for k in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED", "PASSWORD_HASH_METHOD")},
        "TRUSTED_PROXIES": 1})
    attacker, learner_browser = behind.test_client(), behind.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(8):
        attacker.post("/login", data={"username": "amani", "password": "guess"},
                      environ_base=proxy, headers={"X-Forwarded-For": OUTSIDE})
    ok = learner_browser.post("/login", data={"username": "amani", "password": PASSWORD},
                              environ_base=proxy, headers={"X-Forwarded-For": CENTRE})
    with behind.app_context():
        db.engine.dispose()  # the second app's connections, closed now
    assert ok.status_code == 302  # the attacker's address waits, not the learner's
    # Without the setting the header is ignored: a client cannot pick its own address.
    direct = app.test_client()
    for _ in range(8):
        direct.post("/login", data={"username": "amani", "password": "guess"},
                    environ_base=proxy, headers={"X-Forwarded-For": f"10.0.0.{_}"})
    spoofed = app.test_client().post("/login", data={"username": "amani", "password": PASSWORD},
                                     environ_base=proxy, headers={"X-Forwarded-For": CENTRE})
    assert spoofed.status_code == 429
