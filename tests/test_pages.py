"""Every page a role can reach is light, safe to leave on a shared computer, and errors are kind."""
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
    assert len(response.get_data()) < 4000
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
    href = html.split('rel="stylesheet" href="')[1].split('"')[0]
    assert "?v=" in href
    with client.get(href) as response:
        assert "max-age=31536000" in response.headers["Cache-Control"]
