"""Every page a role can reach is light, safe to leave on a shared computer, and errors are kind."""
import gzip

import pytest

from dip.core.access import Role
from tests.helpers import assert_light_page


def _simple_get_routes(app, role):
    from dip.core.access import PUBLIC, rule_for
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in rule.methods or rule.endpoint == "static":
            continue
        access = rule_for(app, rule.endpoint)
        if access == PUBLIC or role in access:
            yield rule.rule


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_page_fits_the_budget(app, client, auth, world, role, lang):
    user = world[role]
    auth.login(user.username)
    client.get(f"/?lang={lang}")
    checked = 0
    for url in _simple_get_routes(app, role):
        if url in ("/healthz",) or url.endswith((".csv", ".xlsx", "/offline", "/template")):
            continue
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        assert_light_page(client, response)
        if url != "/login":
            assert response.headers["Cache-Control"] == "no-store", url
        checked += 1
    assert checked >= 1


def test_unknown_url_gets_a_light_translated_404(client):
    response = client.get("/no/such/page?lang=fr")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    # Light over a slow link: under 4 KB compressed with the stylesheet inside (a first visit)
    assert len(gzip.compress(response.get_data())) < 4000
    assert "Traceback" not in response.get_data(as_text=True)


def test_server_error_page_hides_the_stack_trace(app, client):
    from dip.core.access import public

    @public
    def boom():
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/boom")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Something went wrong on our side" in text and "secret internals" not in text


def test_too_large_upload_gets_413_page(app, client, auth, world):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    auth.login(world["coordinator"].username)
    response = client.post("/users/import", data={"file": (__import__("io").BytesIO(b"x" * 5000), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)


def test_healthz_reports_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "redis": "off"}


def test_static_assets_are_fingerprinted_and_cached_for_a_year(client):
    html = client.get("/login").get_data(as_text=True)
    href = html.split('rel="prefetch" href="')[1].split('"')[0]
    assert "?v=" in href
    with client.get(href) as response:
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]


def test_a_first_visit_carries_its_stylesheet_and_later_pages_use_the_cached_one(client):
    """One round trip on a first visit: the stylesheet is inside the page (allowed by its hash
    in the policy, never 'unsafe-inline'); once the browser has the file, pages link it."""
    import base64
    import hashlib

    first = client.get("/login")
    html = first.get_data(as_text=True)
    assert 'rel="stylesheet"' not in html
    css = html.split("<style>")[1].split("</style>")[0]
    assert ".card" in css or "body" in css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in first.headers["Content-Security-Policy"]
    assert ".certificate" not in css and "/*" not in css  # no learner page uses those rules
    later = client.get("/login").get_data(as_text=True)
    assert "<style>" not in later
    href = later.split('rel="stylesheet" href="')[1].split('"')[0]
    with client.get(href) as response:
        whole = response.get_data(as_text=True)
    from dip.core.styles import MARKER

    rules = [line for line in whole.split(MARKER)[0].splitlines() if line[:2] != "/*"]
    assert "".join(rules) == css and ".certificate" in whole


def test_a_first_visit_to_a_page_with_certificate_styles_carries_them(client, auth, world):
    import base64
    import hashlib

    auth.login(world["trainer"].username)
    first = client.get(f"/cohorts/{world['cohort_a'].id}/gradebook")
    assert first.status_code == 200
    css = first.get_data(as_text=True).split("<style>")[1].split("</style>")[0]
    assert ".book" in css and ".certificate" in css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in first.headers["Content-Security-Policy"]
