"""Security headers on every kind of response, and session cookies a shared computer can trust."""
import pytest

from dip.config import load

EXPECTED_CSP = {"default-src 'self'", "script-src 'self'", "object-src 'none'",
                "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"}


def _check(response):
    policy = {part.strip() for part in response.headers["Content-Security-Policy"].split(";")}
    assert EXPECTED_CSP <= policy
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", ["/login", "/no/such/page", "/healthz", "/verify/nothing"])
def test_public_responses_carry_the_headers(client, url):
    _check(client.get(url))


def test_signed_in_pages_errors_and_assets_carry_the_headers(client, auth, world):
    auth.login(world["learner"].username)
    home = client.get("/")
    _check(home)
    _check(client.get("/users/"))  # refused: 403
    _check(client.get("/learn/no-such-module/"))  # missing: 404
    static = client.get("/static/dip.css")
    _check(static)
    static.close()


def test_no_page_has_inline_script(client, auth, world):
    auth.login(world["trainer"].username)
    for url in ("/", "/login", "/assignments/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " onclick=" not in html


def test_cookies_behind_https_are_secure_host_only_and_http_only(monkeypatch, tmp_path):
    monkeypatch.setenv("SECURE_COOKIES", "1")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    settings = load(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_session_cookie_flags_as_sent(client, auth, world):
    response = auth.login(world["learner"].username)
    cookie = next(v for k, v in response.headers.items()
                  if k == "Set-Cookie" and v.startswith("dip_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Domain" not in cookie
    # A browser-session cookie: closing the browser forgets it; the server ends it when idle.
    assert "Expires" not in cookie and "Max-Age" not in cookie


def test_nul_characters_in_a_form_are_dropped_not_a_server_error(client, auth, world):
    from dip.extensions import db
    from dip.modules.accounts.models import User
    from tests.conftest import form

    auth.login(world["admin"].username)
    user = world["learner"]
    response = client.post(f"/users/{user.id}/edit", data=form(
        display_name="Amani\x00 K", language="fr", username=user.username))
    assert response.status_code < 500
    db.session.expire_all()
    assert db.session.get(User, user.id).display_name == "Amani K"
