"""``?next=`` after sign-in goes only to a path on this site (issue 11).

Browsers drop tab, CR and LF anywhere in a URL and read a backslash as a slash, so
``/\\t/evil.example`` or ``/\\evil.example`` would leave the site; odd values never cause a 500.
"""
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dip.core.access import Role
from dip.core.web import local_path
from tests.conftest import PASSWORD


@pytest.fixture
def learner(make_cohort, make_user):
    return make_user(Role.LEARNER, cohort=make_cohort(), username="amani")


def _sign_in(client, target):
    client.post("/logout")
    return client.post("/login", query_string={"next": target},
                       data={"username": "amani", "password": PASSWORD})


def _browser_would_stay(location: str) -> bool:
    """Read ``location`` as a browser does (tabs and newlines dropped, backslash a slash)."""
    seen = "".join(c for c in location if c not in "\t\n\r").replace("\\", "/").lstrip(" \x00")
    parts = urlsplit(seen)
    return not parts.scheme and not parts.netloc and seen.startswith("/") \
        and not seen.startswith("//")


@pytest.mark.parametrize("target", [
    "/\t/evil.example", "/\r/evil.example", "/\n/evil.example", "/\t\\evil.example",
    "/\\evil.example", "\\\\evil.example", "/\\/evil.example", "//evil.example",
    "https://evil.example/", "/x\x00", "/x\x1b[31m", "/ok\x7f", "javascript:alert(1)",
    " /learn/", "/learn/\u2028", "/" + "a" * 3000,
])
def test_dangerous_targets_go_home(client, learner, target):
    response = _sign_in(client, target)
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", ["/learn/", "/portfolio/?page=2", "/learn/internet/email#top"])
def test_local_paths_are_kept(client, learner, target):
    assert _sign_in(client, target).location == target


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
       | st.text(alphabet="/\\\t\r\n .:%@?#x", max_size=12).map(lambda s: "/" + s))
def test_no_odd_next_leaves_the_site_or_fails(client, learner, target):
    response = _sign_in(client, target)
    assert response.status_code == 302
    assert _browser_would_stay(response.location), response.location


@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=60))
def test_local_path_accepts_only_what_a_browser_keeps_on_the_site(target):
    kept = local_path(target)
    assert kept is None or (kept == target and _browser_would_stay(kept))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(st.characters(blacklist_categories=["Cs"]), max_size=40))
def test_the_sign_in_page_never_fails_on_odd_next(client, target):
    assert client.get("/login", query_string={"next": target}).status_code == 200
