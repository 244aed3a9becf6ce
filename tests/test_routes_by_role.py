"""Every route, as every role and signed out, answers as its access rule says.

A route added without ``@roles`` or ``@public`` answers 403 to everyone and fails here.
Routes with parameters are opened with values that match nothing: an allowed role gets
404 (the object is missing), a refused role gets 403 before anything is looked up.
"""
import re

import pytest

from dip.core.access import PUBLIC, Role, rule_for

SIGNED_OUT = "signed-out"


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule, method


def _url(rule) -> str:
    return re.sub(r"<(?:(\w+):)?(\w+)>",
                  lambda m: "999999" if m.group(1) in ("int",) else "no-such-thing", rule.rule)


def test_every_route_declares_access(app):
    missing = [r.endpoint for r, _m in _routes(app) if rule_for(app, r.endpoint) is None]
    assert missing == [], f"routes without @roles or @public: {missing}"


@pytest.mark.parametrize("who", [SIGNED_OUT, *[r.value for r in Role]])
def test_route_answers_by_role(app, client, auth, world, who):
    if who != SIGNED_OUT:
        user = world["learner" if who == "learner" else who]
        assert auth.login(user.username).status_code == 302
    failures = []
    for rule, method in _routes(app):
        access = rule_for(app, rule.endpoint)
        url = _url(rule)
        response = client.open(url, method=method, data={"once": "x" * 20})
        status = response.status_code
        if access == PUBLIC:
            ok = status < 500
        elif who == SIGNED_OUT:
            ok = status in (302, 303) and "/login" in response.location
        elif who in access:
            ok = status not in (401, 403) and status < 500
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{method} {url} as {who}: {status}")
        if who != SIGNED_OUT and rule.endpoint == "accounts.logout":
            auth.login(user.username)
    assert failures == []
